"""Run the benchmarks and regenerate every figure in BENCHMARKS.md.

    python bench/run.py                        # every item, about 13 minutes on 2 shared cores
    python bench/run.py --only overhead,trace  # some items (the others keep their old tables)
    python bench/run.py --quick                # fewer rounds and runs: a smoke test, not figures
    python bench/run.py --no-write             # print the tables, leave BENCHMARKS.md alone
    python bench/run.py --render               # rewrite the tables from bench/out/results.json

Each item's tables go between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` in
BENCHMARKS.md, with the load average before and after it; the prose around them is hand-written.
Raw results (every number, every curve) are kept in bench/out/results.json.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

if __package__ in (None, ""):   # `python bench/run.py`: put the repo, not bench/, on the path
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import report
from bench.common import OUT, ROOT, loadavg, machine_info

ITEMS = ("overhead", "trace", "quality", "ceiling", "appspeed", "classroom", "versus", "baseline",
         "labs")
# Items that are scripts printing their own markdown: name -> arguments (quick, full).
SCRIPTS = {"baseline": (["--seconds", "10", "--hidden", "64", "--seeds", "1", "--equal-steps", "50"],
                        ["--seconds", "20"]),
           "labs": (["--quick"], [])}
DOC = ROOT / "BENCHMARKS.md"
RESULTS = OUT / "results.json"


def run_item(name: str, quick: bool) -> dict:
    """One benchmark, timed, with the load average around it."""
    before, start = loadavg(), time.perf_counter()
    try:
        if name == "classroom":
            result = run_classroom(quick)
        elif name in SCRIPTS:
            result = run_script(name, SCRIPTS[name][0 if quick else 1])
        else:
            module = __import__(f"bench.{name}", fromlist=["run"])
            result = module.run(quick=quick)
    except Exception as err:  # noqa: BLE001 -- one broken item must not lose the others' figures
        traceback.print_exc()
        result = {"error": f"{type(err).__name__}: {err}"[:500]}
    return {"result": result, "seconds": time.perf_counter() - start, "load_before": before,
            "load_after": loadavg(), "quick": quick, "when": time.strftime("%Y-%m-%d %H:%M")}


def run_classroom(quick: bool) -> dict:
    """Item 6 lives in bench/classroom.py (its own file and helper): always its --quick mode
    here, which fits the 15-minute budget; its table is read back from bench/out."""
    script = ROOT / "bench" / "classroom.py"
    if not script.exists():
        return {"error": "bench/classroom.py is missing"}
    proc = subprocess.run([sys.executable, str(script), "--quick"], cwd=ROOT, check=False,
                          capture_output=True,
                          text=True, timeout=900)
    saved = OUT / "classroom_quick.json"
    data = json.loads(saved.read_text()) if saved.exists() else {}
    return {"returncode": proc.returncode, "table": data.get("table") or proc.stdout[-4000:],
            "stderr_tail": proc.stderr[-2000:] if proc.returncode else ""}


def run_script(name: str, args: list[str]) -> dict:
    """bench/NAME.py run as its own process; its printed markdown is the item's table."""
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / f"{name}.py"), *args], cwd=ROOT,
                          check=False, capture_output=True, text=True, timeout=900)
    if proc.returncode:
        return {"error": f"bench/{name}.py exited with {proc.returncode}: {proc.stderr[-400:]}"}
    return {"command": f"python bench/{name}.py {' '.join(args)}".strip(), "table": proc.stdout}


def replace_block(text: str, name: str, body: str) -> str:
    """Put `body` between the item's markers (appending the markers at the end if missing)."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return text.rstrip() + "\n\n" + block + "\n"


def write_doc(results: dict) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    for name, body in report.render(results).items():
        text = replace_block(text, name, body)
    DOC.write_text(text, encoding="utf-8")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(ITEMS), help=f"comma-separated: {','.join(ITEMS)}")
    ap.add_argument("--quick", action="store_true", help="fewer rounds: a smoke test")
    ap.add_argument("--no-write", action="store_true", help="print tables, leave BENCHMARKS.md")
    ap.add_argument("--render", action="store_true", help="only re-render the saved results")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if not args.render:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(names) - set(ITEMS))
        if unknown:
            ap.error(f"unknown item(s) {unknown}; choose from {ITEMS}")
        start = time.perf_counter()
        results["machine"] = {**machine_info(), "when": time.strftime("%Y-%m-%d %H:%M")}
        for name in names:
            print(f"== {name} (load {loadavg()})", flush=True)
            results[name] = run_item(name, args.quick)
            print(f"   {name}: {results[name]['seconds']:.0f} s", flush=True)
            RESULTS.write_text(json.dumps(results, indent=1, default=str))
        results["machine"]["total_s"] = time.perf_counter() - start
        results["machine"]["items"] = names
        results["machine"]["load_end"] = loadavg()
        RESULTS.write_text(json.dumps(results, indent=1, default=str))
    if args.no_write:
        for name, body in report.render(results).items():
            print(f"\n<!-- {name} -->\n{body}")
    else:
        write_doc(results)
        print(f"wrote the tables into {DOC.name}; raw results in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
