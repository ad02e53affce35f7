"""Markdown tables from bench/run.py's results: one function per benchmark item.

Every function takes the item's saved entry ({"result", "seconds", "load_before", "load_after",
"quick", "when"}) and returns markdown. Nothing here measures anything.
"""
from __future__ import annotations

import math

ARCH = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def num(x, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:.{digits}f}"


def caption(entry: dict) -> str:
    quick = " **--quick run: smoke test, not the figures**" if entry.get("quick") else ""
    return (f"*Measured {entry['when']} in {entry['seconds']:.0f} s; load average (1, 5, 15 min) "
            f"{entry['load_before']} before, {entry['load_after']} after.*{quick}")


def machine(m: dict, results: dict | None = None) -> str:
    """The machine, and when the tables below were measured: ``--only`` runs refresh some items,
    so the times come from the items' own entries (each item's caption has its load average)."""
    flags = ", ".join(m.get("cpu_flags", []))
    entries = [e for name, e in (results or {}).items() if name in RENDER and "when" in e]
    rows = [["CPU", f"{m['cpu']} ({flags}), {m['nproc']} cores (shared with other sessions)"],
            ["Software", f"Python {m['python']}, torch {m['torch']}, streamlit {m['streamlit']}"]]
    if entries:
        whens = sorted(e["when"] for e in entries)
        total = sum(e.get("seconds", 0.0) for e in entries)
        span = whens[0] if whens[0] == whens[-1] else f"{whens[0]} to {whens[-1][-5:]}"
        rows.append(["Measured", f"{span}; the {len(entries)} items took {num(total / 60)} min "
                                 "together (`python bench/run.py` runs them all in one go)"])
    rows.append(["Last run", f"{m['when']}: {', '.join(m.get('items', []))}; load average "
                             f"{m['loadavg']} at the start, {m.get('load_end')} at the end"])
    return table(["", ""], rows)


def overhead(entry: dict) -> str:
    r = entry["result"]
    rows = [[ARCH[x["arch"]], x["hidden"], num(x["ms_bare"], 2), num(x["ms_bare_clip"], 2),
             num(x["ms_trainer"], 2), f"**{x['ratio']:.3f}**", f"{x['ratio_vs_clip']:.3f}",
             f"{x.get('clip_cost', float('nan')):.3f}", f"{x.get('ratio_of_minimums', float('nan')):.3f}"]
            for x in r["rows"]]
    head = ["cell", "H", "bare ms/step", "bare + clip", "Trainer.step", "Trainer / bare",
            "Trainer / (bare + clip)", "(bare + clip) / bare", "Trainer / bare, fastest steps"]
    verdict = "met" if r["max_ratio"] <= r["target"] else "not met"
    rounds = sorted({x["rounds"] for x in r["rows"]})
    return (caption(entry) + "\n\n" + table(head, rows) +
            f"\n\nWorst Trainer / bare {r['max_ratio']:.3f} against the target {r['target']}: "
            f"**{verdict}**. Times are medians, ratios medians of per-round ratios, over "
            f"{' or '.join(map(str, rounds))} rounds of one step each; the last column compares "
            f"the fastest step of each (the least disturbed by other sessions). Batch "
            f"{r['rows'][0]['batch']} x {r['rows'][0]['window']} characters, one torch thread."
            + _task_steps(r.get("tasks", [])))


def _task_steps(tasks: list[dict]) -> str:
    if not tasks:
        return ""
    rows = [[f"{x['task']} / {x['dataset']}", f"{ARCH[x['arch']]} H={x['hidden']}"
             + (" bi" if x.get("bidirectional") else ""), num(x["ms_step"], 1), num(x["ms_batch"], 2),
             f"**{100 * x['batch_share']:.0f} %**", num(x["steps_per_s"], 0)] for x in tasks]
    return ("\n\nWhere a step goes, each task at its page's default model (Trainer.step with the "
            "batch it draws, and building one batch alone, interleaved):\n\n" +
            table(["task / data", "model", "ms/step", "ms to build the batch", "batch share",
                   "steps/s"], rows))


def trace(entry: dict) -> str:
    r = entry["result"]
    rows = [[ARCH[x["arch"]], "bi" if x["bidirectional"] else "uni", x["batch"],
             "yes" if x["grad"] else "no", num(x["ms_fused"], 2), num(x["ms_trace"], 2),
             f"{x['ratio']:.1f}x"] for x in r["rows"]]
    head = ["cell", "directions", "N", "autograd", "fused ms", "trace ms", "trace / fused"]
    exp = [[x["checkpoint"], x.get("tokens", "–"), x.get("hidden", "–"),
            num(x.get("ms_predict"), 2), num(x.get("ms_trace"), 2)] if "error" not in x
           else [x["checkpoint"], "error", x["error"][:60], "", ""] for x in r["experiment"]]
    verdict = "met" if r["max_single_ms"] <= r["target_ms"] else "not met"
    return (caption(entry) + "\n\nOne layer, 40 tokens, input 32, hidden 256:\n\n" +
            table(head, rows) +
            f"\n\nSlowest one-sentence trace {r['max_single_ms']:.1f} ms against the target "
            f"{r['target_ms']:.0f} ms: **{verdict}**.\n\nThe whole Inspect call on the shipped NER "
            "checkpoints (tokenise, features, trace, to numpy), 40 words:\n\n" +
            table(["checkpoint", "tokens", "H", "predict ms", "Experiment.trace ms"], exp))


def quality(entry: dict) -> str:
    r = entry["result"]
    groups: dict = {}
    for x in r["rows"]:
        groups.setdefault((x["task"], x["dataset"]), {})[x["arch"]] = x
    archs = [a for a in ARCH if any(a in g for g in groups.values())]
    rows = []
    for (task, dataset), by_arch in groups.items():
        any_row = next(iter(by_arch.values()))
        metric, target = any_row.get("metric", "?"), any_row.get("target")
        if metric == "loss" and any_row.get("uniform_loss"):
            goal = (f"loss <= {target:.2f} (trigram model; uniform guess "
                    f"{any_row['uniform_loss']:.2f})")
        else:
            goal = f"{metric} >= {num(target, 2)}"
        rows.append([f"{task} / {dataset}", goal] + [_quality_cell(by_arch.get(a)) for a in archs])
    speeds = [[f"{x['task']} / {x['dataset']}", ARCH[x["arch"]], num(x.get("steps_per_s"), 0),
               num(x.get("setup_s"), 1)] for x in r["rows"] if "error" not in x]
    return (caption(entry) + "\n\n" +
            table(["task / data", "target"] + [ARCH[a] for a in archs], rows) +
            f"\n\nSeconds of training until the validation metric first reached the target (steps "
            f"in brackets); '–' = not within the cap, with the best value reached. {r['workers']} "
            f"runs at a time, one torch thread each; metric checked every <= {r['slice_s']:g} s "
            f"of training on <= {r['eval_items']} validation examples.\n\n<details><summary>"
            "Training speed of each run</summary>\n\n" +
            table(["task / data", "cell", "steps/s", "data + model setup s"], speeds) +
            "\n\n</details>")


def _quality_cell(x: dict | None) -> str:
    if x is None:
        return ""
    if "error" in x:
        return f"error: {x['error'][:40]}"
    if x.get("seconds") is not None:
        return f"**{x['seconds']:.1f} s** ({x['steps']})"
    return f"– in {x['cap_s']:g} s (best {num(x.get('best'), 3)})"


def ceiling(entry: dict) -> str:
    r = entry["result"]
    rows = [[x["threads"], ARCH[x["arch"]], x["hidden"], num(x["ms_step"]), num(x["gflop_step"], 2),
             num(x["achieved_gflops"]), num(x.get("square_mkl_gflops")), num(x.get("square_onednn_gflops")),
             num(x.get("rec_mkl_gflops")), num(x.get("rec_onednn_gflops")),
             f"**{x['frac_of_square']:.2f}**", f"{x['frac_of_recurrent_shape']:.2f}"]
            for x in r["steps"]]
    head = ["threads", "cell", "H", "ms/step", "GFLOP/step", "achieved GFLOP/s",
            "1024² MKL", "1024² oneDNN", "recurrent shape MKL", "recurrent shape oneDNN",
            "achieved / best 1024²", "achieved / best at recurrent shape"]
    parts = [caption(entry), table(head, rows)]
    for name, ops in r["profile"].items():
        arch, hidden = name.split("-")
        top = [[o["op"], num(o["self_ms_per_step"], 2), f"{100 * o['share']:.0f} %",
                num(o["calls_per_step"], 0)] for o in ops[:6]]
        parts.append(f"torch.profiler, one training step of the {ARCH[arch]} language model, "
                     f"H = {hidden}, one thread (self CPU time):\n\n" +
                     table(["operator", "ms/step", "share", "calls/step"], top))
    return "\n\n".join(parts)


def appspeed(entry: dict) -> str:
    r = entry["result"]
    switch: dict = {}
    for x in r.get("switch", []):
        switch.setdefault(x["page"], {})[x["visit"]] = x.get("ms")
    rows = [["server start -> home page rendered, cold", f"{num(r['start_cold']['home_rendered_s'])} s"],
            ["the same, warm (second server)", f"{num(r['start_warm']['home_rendered_s'])} s"],
            ["port open after start (cold / warm)", (f"{num(r['start_cold']['port_open_s'])} / "
                                                     f"{num(r['start_warm']['port_open_s'])} s")],
            ["first visitor's home page (server already up)", f"{num(r['first_session_home_s'])} s"],
            ["next visitor's home page", f"{num(r['new_session_home_s'])} s"]]
    for page, visits in switch.items():
        shown = " / ".join(f"{num(visits.get(v), 0)}" for v in sorted(visits))
        rows.append([f"page switch to {page} (visit {' / '.join(map(str, sorted(visits)))})",
                     f"{shown} ms"])
    for x in r.get("try", []):
        rows.append([f"Try: prediction on {x['page']} (median of {len(x['all_ms'])})",
                     f"{num(x['ms'], 0)} ms" if x["ms"] is not None else "no text box"])
    rows += [["server RSS idle (before any visitor)", f"{num(r['rss_idle_mb'], 0)} MB"],
             ["RSS after the home page", f"{num(r['rss_after_home_mb'], 0)} MB"],
             ["RSS after every page and tab", f"{num(r['rss_after_all_pages_mb'], 0)} MB"],
             ["added by the first session that trains", f"{num(r['rss_first_training_mb'], 0)} MB"],
             [f"added per further training session (mean of {len(r['train_sessions']) - 1})",
              f"{num(r['rss_per_extra_training_session_mb'], 0)} MB"],
             ["RSS at the end", f"{num(r['rss_final_mb'], 0)} MB"]]
    errors = r.get("visit_errors", []) + r.get("server_log_errors", [])
    errors += [e for x in r.get("switch", []) + r.get("try", []) for e in x.get("errors", [])]
    note = "No error on any page." if not errors else "Errors seen: " + "; ".join(errors[:5])
    return caption(entry) + "\n\n" + table(["measure", "value"], rows) + "\n\n" + note


def classroom(entry: dict) -> str:
    r = entry["result"]
    body = r.get("table", "")
    if r.get("returncode"):
        body += f"\n\nbench/classroom.py exited with {r['returncode']}:\n\n```\n{r['stderr_tail']}\n```"
    return caption(entry) + "\n\n`python bench/classroom.py --quick`:\n\n" + body


def versus(entry: dict) -> str:
    r = entry["result"]
    rows = [[f"{x['task']} / {x['dataset']}", f"{ARCH[x['arch']]} H={x['hidden']}"
             + (" bi" if x.get("bidirectional") else ""), num(x["ms_step_before"], 1),
             num(x["ms_step_after"], 1), f"**{x['speedup']:.2f}x**", num(x["ms_batch_before"], 2),
             num(x["ms_batch_after"], 2)] for x in r["rows"]]
    return (caption(entry) + f"\n\n`python bench/versus.py {r['before']}` (before) against the "
            f"{r['after']} (after); medians over {r['rounds']} alternating rounds of {r['steps']} "
            "steps, one process per round and side:\n\n" +
            table(["task / data", "model", "ms/step before", "after", "speed-up",
                   "ms/batch before", "after"], rows))


def script_output(entry: dict) -> str:
    """An item that is a script printing its own markdown (bench/baseline.py, bench/labs.py)."""
    r = entry["result"]
    return caption(entry) + f"\n\n`{r['command']}`:\n\n" + r["table"].strip()


RENDER = {"overhead": overhead, "trace": trace, "quality": quality, "ceiling": ceiling,
          "appspeed": appspeed, "classroom": classroom, "versus": versus,
          "baseline": script_output, "labs": script_output}


def render(results: dict) -> dict[str, str]:
    """Item name -> markdown, for every item present in the results (and the machine)."""
    out = {}
    if "machine" in results:
        out["machine"] = machine(results["machine"], results)
    for name, fn in RENDER.items():
        if name not in results:
            continue
        entry = results[name]
        if "error" in entry["result"]:
            out[name] = caption(entry) + f"\n\n**The benchmark failed:** `{entry['result']['error']}`"
        else:
            out[name] = fn(entry)
    return out
