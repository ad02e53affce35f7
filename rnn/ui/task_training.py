"""A task page's Train and Compare controls (``TaskPage.train_panel`` and ``compare_cells``): the
run's settings in words, "Fit to my data" for an uploaded file, and the race of cells after the
same number of steps. The live panels themselves: rnn.ui.live_training and rnn.ui.compare.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Sequence

import streamlit as st

from rnn.lessons import common
from rnn.ui.compare import compare_panel
from rnn.ui.setup import ui_settings
from rnn.ui.widgets import URL, apply_fitted

RACE_STEPS = (100, 200, 300, 500, 1000, 1500)


def run_summary(page) -> str:
    """The run's settings for people: the cell, then what differs from the page's defaults."""
    from rnn.ui.widgets import ARCH_LABELS
    model, train = page.defaults or (page.model_cfg, page.train_cfg)
    cfg, tcfg = page.model_cfg, page.train_cfg
    parts = [ARCH_LABELS.get(cfg.arch, cfg.arch)]
    parts += common.changed_settings(cfg, model, [f for f in page.relevant if f != "arch"])
    parts += [f"{f.replace('_', ' ')} {getattr(tcfg, f):g}" if isinstance(
              getattr(tcfg, f), float) else f"{f.replace('_', ' ')} {getattr(tcfg, f)}"
              for f in ("lr", "batch_size", "optimizer", "clip", "seed", "seconds", "steps")
              if getattr(tcfg, f, None) != getattr(train, f, None)]
    parts += [f"{k.replace('_', ' ')} {v:g}" if isinstance(v, float) else f"{k} {v}"
              for k, v in sorted(page.options.items())]
    if page.source["dataset"] is None or page.source["name"] != page.source.get("default"):
        parts.append(f"data {page.source['name']}")
    return " · ".join(parts)


def fit_button(page) -> None:
    """For an uploaded file: set the sidebar's sizes, dropout and learning rate from the data
    (rnn.autofit, the CLI's defaults for ``--data``)."""
    if page.source["dataset"] is not None:
        return
    from rnn.autofit import fit_to_data
    # counting a file's words takes a moment: once per upload and level, not every rerun
    data, key = page.source["data"], (page.task, page.model_cfg.level)
    memo = st.session_state.get("_fit")
    if memo is None or memo[0] != key or memo[1] is not data:
        limits = ui_settings()
        memo = (key, data, fit_to_data(page.task, data, level=page.model_cfg.level,
                                       max_hidden=limits.max_hidden, max_embed=limits.max_embed))
        st.session_state["_fit"] = memo
    fit = memo[2]
    c1, c2 = st.columns([1, 3])
    c1.button("Fit to my data", key=f"{page.task}_fit", icon=":material/auto_fix_high:",
              on_click=apply_fitted, args=(page.task, fit.model, fit.train))
    c2.caption(fit.describe().replace("\n", "  \n"))


def race_steps(page, key: str | None = None) -> int:
    """The race's budget: the same number of training steps for every cell (fair whatever each
    cell's speed on this CPU); the time budget only caps it. ``key``: the race's own key (a page
    with two races needs two sliders)."""
    return int(st.select_slider("Training steps per cell", RACE_STEPS, value=300, bind=URL,
                                key=f"{key or page.task}_race_steps"))


def compare_cells(page, metric: str, archs: Sequence[str] = common.RACE_CELLS,
                  key: str | None = None, changes: Callable[[str], dict] | None = None) -> dict:
    """The same data, seed and number of steps for each entry of ``archs``, one after the other;
    ``changes(label)`` gives each run's model changes (default: ``arch=label``)."""
    from rnn.lessons import levels
    if key is None:                       # said once per page, at its cell race
        st.caption(levels.GRU_SPEED_NOTE)
    steps = race_steps(page, key)
    train = dataclasses.replace(page.train_cfg, steps=steps, seconds=float(ui_settings().max_seconds))
    changes = changes or (lambda label: {"arch": label})

    return compare_panel(key or f"{page.task}_cmp",
                         lambda label: page.new_experiment(label, train=train, **changes(label)),
                         metric, archs=archs,
                         signature=repr((page.signature, steps)))
