"""The hidden size's walk from the sidebar slider to the recurrent cell, traced (issue 24).

Named entities runs in AppTest. The "Hidden units" slider is set to a value no other setting
has (``SENTINEL``), Start is pressed (the web process builds the experiment it hands to a
worker), and a profile hook notes every call into the project's code (app.py, pages/, rnn/)
that holds the value: as an argument or local, as a config's ``hidden`` field, or in a dict under
"hidden". Two counts: *the path*, the project's calls on the stack where the value becomes a
``ModelConfig`` and where that config builds the cell's layer (what a reader follows from the
slider to the cell), and every call that *receives* the value on the way (the path's, and the
lesson text's that shows the settings). Fewer files and calls: easier to follow.

    python bench/walk.py            # this checkout
    python bench/walk.py --root /tmp/main-before     # another checkout, for a before/after
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

SENTINEL = 128                   # a slider option no other setting of the page has

CHILD = r'''
import sys, os, dataclasses
root = sys.argv[1]
sys.path.insert(0, root)
os.chdir(root)
from streamlit.testing.v1 import AppTest
import rnn.ui.setup
rnn.ui.setup._lesson_links = lambda: None        # AppTest cannot resolve the menu's links
SENTINEL = int(sys.argv[2])
roots = tuple(os.path.join(root, p) for p in ("rnn" + os.sep, "pages" + os.sep, "app.py"))

def holds(v, depth=0):
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return v == SENTINEL
    if depth > 1:
        return False
    if isinstance(v, dict):
        return holds(v.get("hidden"), depth + 1) or holds(v.get("hidden_size"), depth + 1)
    for name in ("hidden", "hidden_size", "model_config", "model_cfg", "config"):
        try:
            inner = object.__getattribute__(v, name)
        except Exception:
            continue
        if holds(inner, depth + 1):
            return True
    return False

walk, seen, reached, path = [], set(), [], []

def stack_of(frame):
    """The project's frames on the stack (outermost first): the calls a reader follows."""
    out = []
    while frame is not None:
        c = frame.f_code
        if c.co_filename.startswith(roots):
            out.append((os.path.relpath(c.co_filename, root), c.co_qualname))
        frame = frame.f_back
    return out[::-1]

def hook(frame, event, arg):
    if event != "call" or reached:
        return
    code = frame.f_code
    if not code.co_filename.startswith(roots):
        return
    if code.co_qualname == "ModelConfig.__post_init__" and holds(frame.f_locals.get("self")):
        path.extend(w for w in stack_of(frame) if w not in path)   # slider -> config
    try:
        found = [k for k, v in list(frame.f_locals.items()) if holds(v)]
    except Exception:
        found = False
    if found:
        where = (os.path.relpath(code.co_filename, root), code.co_qualname)
        if where not in seen:
            seen.add(where)
            walk.append(where + (",".join(found),))
            if code.co_qualname.endswith("__init__") and "hidden_size" in found:
                reached.append(where)            # the cell's layer is built: the walk ends
                path.extend(w for w in stack_of(frame) if w not in path)   # config -> cell

at = AppTest.from_file(os.path.join(root, "pages", "1_Named_entities.py"), default_timeout=300)
at.session_state["tab"] = "Train"                # the tabs draw lazily: open Train
at.run()
at.select_slider(key="ner_hidden").set_value(SENTINEL)
import threading
threading.setprofile(hook)                       # AppTest runs each script run in a thread
sys.setprofile(hook)
at.run()
start = next(b for b in at.button if str(b.key).endswith("_start"))
start.click().run()
sys.setprofile(None)
threading.setprofile(None)
assert not at.exception, at.exception
for f, q, names in walk:
    print(f"{f}\t{q}\t{names}")
for f, q in path:
    print(f"PATH\t{f}\t{q}")
'''


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = ap.parse_args(argv)
    env = {**os.environ, "RNN_PLAYGROUND_WORKERS": "1"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(args.root.resolve()), str(SENTINEL)],
                         capture_output=True, text=True, env=env, timeout=600)
    if out.returncode:
        print(out.stderr[-3000:])
        raise SystemExit(out.returncode)
    lines = [ln.split("\t") for ln in out.stdout.splitlines() if "\t" in ln]
    rows = [r for r in lines if r[0] != "PATH"]
    path = [r[1:] for r in lines if r[0] == "PATH"]
    print("The path (the calls on the stack where the widget's value becomes a ModelConfig, and "
          "where the config builds the cell's layer):")
    for f, q in path:
        print(f"  {f}: {q}")
    print("\nEvery call that receives it (the path's and the lesson text's):")
    for f, q, names in rows:
        print(f"  {f}: {q}  ({names})")
    print(f"\nhidden size = {SENTINEL} ({args.root}):\n  path: {len(path)} calls in "
          f"{len({f for f, _ in path})} files\n  received by {len(rows)} calls in "
          f"{len({r[0] for r in rows})} files")


if __name__ == "__main__":
    main()
