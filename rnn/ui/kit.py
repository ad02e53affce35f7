"""The lesson-page kit: what a task page is built from, so a page reads like its lesson.

    page = task_page("ner", "Named entities", ":material/person_search:", header=...,
                     model=ModelConfig(...), train=TrainConfig(...), relevant=(...))
    page.keep({...})                      widget values that survive a closed tab
    with page.learn: ...                  the five tabs (Learn, Train, Try, Inspect, Compare)
    page.challenges(challenges)           "Experiments: answer first, then click"
    page.example_buttons(examples, key)   one button per example text
    text = page.text_box(label, key)      typed text, cleaned, with a warning for what was changed
    page.inspect_states(trace)            layer/direction/unit pickers and the a⟨t⟩, c⟨t⟩, gate heatmaps
    page.train_panel(metric)              live training (rnn.ui.live_training)
    page.compare_cells(metric)            RNN vs GRU vs LSTM, live
    page.shipped(histories, columns, ...) the shipped models' curves and table

Everything here is layout; the computations are in rnn/lessons/ (no Streamlit there).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import streamlit as st
from streamlit.errors import StreamlitAPIException

from rnn import plots
from rnn.lessons import common
from rnn.models.config import ModelConfig
from rnn.train.trainer import TrainConfig
from rnn.ui.compare import compare_panel
from rnn.ui.downloads import export_button
from rnn.ui.errors import engine_errors
from rnn.ui.live_training import training_panel
from rnn.ui.setup import setup_page, show_figure, ui_settings
from rnn.ui.tables import show_table
from rnn.ui.task_page import active_experiment, data_sidebar, make_factory, pretrained_experiment
from rnn.ui.widgets import CELLS, URL, apply_fitted, architecture_sidebar, lesson_tabs, training_sidebar

LESSON_TEXT = Path(__file__).resolve().parents[1] / "lessons" / "text"
RACE_STEPS = (100, 200, 300, 500, 1000, 1500)


def lesson_markdown(name: str) -> None:
    """Show ``rnn/lessons/text/<name>.md`` (Markdown with $$…$$ equations)."""
    st.markdown((LESSON_TEXT / f"{name}.md").read_text(encoding="utf-8"))


def keep(defaults: dict) -> None:
    """Give widgets their first value through session_state and keep it while their tab is
    closed (Streamlit forgets the state of widgets that were not drawn in a run)."""
    for key, value in defaults.items():
        st.session_state[key] = st.session_state.get(key, value)


def apply_challenge(tab: str, state: dict) -> None:
    """A "Try it" button: set the widgets for an experiment, then open its tab."""
    st.session_state.update(state)
    st.session_state["tab"] = tab


def challenge_list(challenges: Sequence, key_prefix: str) -> None:
    """The predict-first experiments: the question, a button that sets them up, and (folded) what
    to look for, so the class answers before it sees."""
    st.subheader("Experiments: answer first, then click")
    for i, ch in enumerate(challenges):
        c1, c2 = st.columns([4, 1])
        c1.markdown(f"**{i + 1}. {ch.question}**")
        if getattr(ch, "choices", ()):
            c1.caption("Your guess: " + " · ".join(f"({chr(97 + j)}) {c}" for j, c in enumerate(ch.choices)))
        c2.button("Try it", key=f"{key_prefix}_challenge_{i}", on_click=apply_challenge,
                  args=(ch.tab, dict(ch.state)), icon=":material/science:")
        with c1.expander("What to look for"):
            st.write(ch.hint)


def run_in_gate(work: Callable[[], object], name: str):
    """Run ``work()`` (a lab's short in-process training) if one of the server's lab slots is free
    (rnn.ui.gate); None, with a message, when they are all taken."""
    from rnn.ui.gate import busy_message, lab_slots

    slots = lab_slots(ui_settings().max_concurrent_trainings)
    if not slots.try_acquire():
        st.info(busy_message(slots) + " Press the button again in a moment.", icon="⏳")
        return None
    try:
        return work()
    finally:
        slots.release()


def link_to_page(path: str, label: str, icon: str) -> None:
    """st.page_link, or a plain link where Streamlit cannot resolve the page (a test that runs
    one page file as the entry point has no pages/ around it)."""
    try:
        st.page_link(path, label=label, icon=icon)
    except StreamlitAPIException:
        st.markdown(f"{icon} [{label}]({Path(path).stem.split('_', 1)[-1]})")


@dataclass
class TaskPage:
    """One task page's settings, data, model and tabs (see ``task_page``)."""
    task: str
    prefix: str                      # the page's own widget keys start with it ("ner", "tg", "tr")
    model_cfg: ModelConfig
    train_cfg: TrainConfig
    source: dict
    options: dict
    exp: object | None
    label: str
    tabs: tuple
    max_chars: int
    defaults: tuple = ()             # (ModelConfig, TrainConfig) the page opens with
    relevant: tuple = ()             # the ModelConfig fields that mean something on this page

    @property
    def exp_key(self) -> str:
        return f"{self.task}_exp"

    @property
    def signature(self) -> str:
        """Names every setting that shapes a training run (a change starts a new run)."""
        return repr((self.model_cfg, self.train_cfg, self.source["name"], sorted(self.options.items())))

    @property
    def learn(self):
        return self.tabs[0]

    @property
    def train(self):
        return self.tabs[1]

    @property
    def try_(self):
        return self.tabs[2]

    @property
    def inspect(self):
        return self.tabs[3]

    @property
    def compare(self):
        return self.tabs[4]

    def factory(self, **changes) -> Callable[[], object]:
        """Builds the session's Experiment with the sidebar's settings (``changes`` to the model
        config, e.g. ``arch="gru"`` for a race)."""
        config = dataclasses.replace(self.model_cfg, **changes) if changes else self.model_cfg
        return make_factory(self.task, config, self.train_cfg, self.source, options=self.options)

    def keep(self, defaults: dict) -> None:
        keep(defaults)

    def challenges(self, challenges: Sequence) -> None:
        challenge_list(challenges, self.prefix)

    def example_buttons(self, examples: dict, text_key: str) -> None:
        cols = st.columns(len(examples))
        for col, (label, text) in zip(cols, examples.items()):
            col.button(label, key=f"{self.prefix}_example_{label}", on_click=keep_value,
                       args=(text_key, text), width="stretch")

    def text_box(self, label: str, key: str, area: bool = False, height: int = 120) -> str:
        """A text box bound to ``key``; returns the cleaned text, warning about what changed."""
        if area:
            raw = st.text_area(label, key=key, height=height, max_chars=self.max_chars, bind=URL)
        else:
            raw = st.text_input(label, key=key, max_chars=self.max_chars, bind=URL)
        text, notes = common.clean_text(raw, self.max_chars)
        for note in notes:
            st.warning(note)
        return text

    def try_prediction(self, examples: dict, key: str, label: str, **options):
        """The Try tab's input: example buttons, a text box, then the model's prediction (None,
        with a message, when there is no model or the text cannot be used)."""
        self.example_buttons(examples, key)
        text = self.text_box(label, key)
        if self.no_model():
            return None
        with engine_errors():
            return self.exp.predict(text, **options)
        return None

    def no_model(self) -> bool:
        """True (and a message) when there is no model to use yet."""
        if self.exp is None:
            st.info(f"No model yet: {self.label}.")
            return True
        return False

    def inspect_states(self, trace: dict, *, unit: str = "word", note: str | None = None,
                       max_tokens: int = common.MAX_INSPECT_TOKENS, who: str = "") -> None:
        """Layer, direction and unit pickers, then the hidden-state, cell-state and gate heatmaps
        of one layer and direction, in the course's notation. ``who`` names the network in the
        titles ("Encoder ") where a model has more than one."""
        c1, c2, c3 = st.columns(3)
        layer = 0
        if len(trace["layers"]) > 1:
            layer = c1.radio("Layer", range(len(trace["layers"])), horizontal=True, bind=URL,
                             key=f"{self.task}_layer", format_func=lambda i: f"layer {i + 1}")
        names = common.direction_names(len(trace["layers"][0]))
        direction = 0
        if len(names) > 1:
            direction = c2.radio("Direction", range(len(names)), horizontal=True, bind=URL,
                                 key=f"{self.task}_direction", format_func=names.__getitem__)
        arch = self.exp.model_config.arch
        n_units = int(trace["layers"][0][0]["h"].shape[-1])
        first = 0
        if n_units > common.MAX_UNITS:
            starts = list(range(0, n_units, common.MAX_UNITS))
            first = c3.selectbox("Units shown", starts, key=f"{self.task}_units", bind=URL,
                                 format_func=lambda s: f"{s}–{min(n_units, s + common.MAX_UNITS) - 1}")
        view = common.trace_view(trace, layer, direction, arch=arch, max_tokens=max_tokens,
                                 first_unit=first)
        lo, hi = view["units"]
        shown = [f"{unit}s 1–{len(view['tokens'])} of {view['total']}" if view["cut"] else "",
                 f"units {lo}–{hi - 1} of {n_units}" if n_units > hi - lo else ""]
        if any(shown):
            st.caption("Showing " + " and ".join(s for s in shown if s) + ".")
        if note:
            st.markdown(note)
        where = f"layer {layer + 1}, {names[direction].split(' (')[0]}"
        def title(text: str) -> str:
            return f"{who}{text[0].lower()}{text[1:]} ({where})" if who else f"{text} ({where})"

        show_figure(plots.state_heatmap(view["h"], view["tokens"], "h",
                                        title=title(f"Hidden state a⟨t⟩ at each {unit}")),
                    key=f"{self.prefix}_h")
        if view["c"] is not None:
            show_figure(plots.state_heatmap(view["c"], view["tokens"], "c",
                                            title=title("LSTM cell state c⟨t⟩: the long-term memory")),
                        key=f"{self.prefix}_c")
        if view["gates"]:
            st.caption(common.GATE_HELP.get(arch, ""))
            show_figure(plots.gates_heatmap(view["gates"], view["tokens"],
                                            title=title(f"Gates at each {unit}")),
                        key=f"{self.prefix}_gates")
        else:
            st.caption("This cell has no gates: pick GRU or LSTM in the sidebar.")

    @property
    def summary(self) -> str:
        """The run's settings for people: the cell, then what differs from the page's defaults."""
        from rnn.ui.widgets import ARCH_LABELS
        model, train = self.defaults or (self.model_cfg, self.train_cfg)
        parts = [ARCH_LABELS.get(self.model_cfg.arch, self.model_cfg.arch)]
        parts += [f"{common.SETTING_NAMES.get(f, f)} {common._shown(getattr(self.model_cfg, f))}"
                  for f in self.relevant if f != "arch"
                  and getattr(self.model_cfg, f) != getattr(model, f)]
        parts += [f"{f.replace('_', ' ')} {getattr(self.train_cfg, f):g}" if isinstance(
                  getattr(self.train_cfg, f), float) else f"{f.replace('_', ' ')} {getattr(self.train_cfg, f)}"
                  for f in ("lr", "batch_size", "optimizer", "clip", "seed", "seconds", "steps")
                  if getattr(self.train_cfg, f, None) != getattr(train, f, None)]
        parts += [f"{k.replace('_', ' ')} {v:g}" if isinstance(v, float) else f"{k} {v}"
                  for k, v in sorted(self.options.items())]
        if self.source["dataset"] is None or self.source["name"] != self.source.get("default"):
            parts.append(f"data {self.source['name']}")
        return " · ".join(parts)

    def fit_button(self) -> None:
        """For an uploaded file: set the sidebar's sizes, dropout and learning rate from the data
        (rnn.autofit, the CLI's defaults for ``--data``)."""
        if self.source["dataset"] is not None:
            return
        from rnn.autofit import fit_to_data
        # counting a file's words takes a moment: once per upload and level, not every rerun
        data, key = self.source["data"], (self.task, self.model_cfg.level)
        memo = st.session_state.get("_fit")
        if memo is None or memo[0] != key or memo[1] is not data:
            limits = ui_settings()
            memo = (key, data, fit_to_data(self.task, data, level=self.model_cfg.level,
                                           max_hidden=limits.max_hidden, max_embed=limits.max_embed))
            st.session_state["_fit"] = memo
        fit = memo[2]
        c1, c2 = st.columns([1, 3])
        c1.button("Fit to my data", key=f"{self.task}_fit", icon=":material/auto_fix_high:",
                  on_click=apply_fitted, args=(self.task, fit.model, fit.train))
        c2.caption(fit.describe().replace("\n", "  \n"))

    def train_panel(self, metric: str, **kwargs):
        self.fit_button()
        return training_panel(self.exp_key, self.factory(), metric, signature=self.signature,
                              summary=self.summary, **kwargs)

    def race_steps(self, key: str | None = None) -> int:
        """The race's budget: the same number of training steps for every cell (fair whatever
        each cell's speed on this CPU); the time budget only caps it. ``key``: the race's own key
        (a page with two races needs two sliders)."""
        return int(st.select_slider("Training steps per cell", RACE_STEPS, value=300, bind=URL,
                                    key=f"{key or self.task}_race_steps"))

    def compare_cells(self, metric: str, archs: Sequence[str] = common.RACE_CELLS,
                      key: str | None = None, changes: Callable[[str], dict] | None = None) -> dict:
        """The same data, seed and number of steps for each entry of ``archs``, one after the
        other; ``changes(label)`` gives each run's model changes (default: ``arch=label``)."""
        from rnn.lessons import levels
        if key is None:                       # said once per page, at its cell race
            st.caption(levels.GRU_SPEED_NOTE)
        steps = self.race_steps(key)
        train = dataclasses.replace(self.train_cfg, steps=steps,
                                    seconds=float(ui_settings().max_seconds))
        changes = changes or (lambda label: {"arch": label})

        def make(label: str):
            config = dataclasses.replace(self.model_cfg, **changes(label))
            return make_factory(self.task, config, train, self.source, options=self.options)()

        return compare_panel(key or f"{self.task}_cmp", make, metric, archs=archs,
                             signature=repr((self.signature, steps)))

    def shipped_long(self) -> dict:
        """The Compare tab's first box: the shipped models on the long-range level, where the
        cells differ, and why."""
        from rnn.lessons import levels
        spec = levels.shipped_long(self.task)
        histories = self.shipped(**spec, key=f"{self.prefix}_fig_shipped_long")
        finals = {label: common.last_metric(h, spec["metric"]) for label, h in histories.items()}
        if levels.vanilla_falls_behind(finals, spec["metric"]):     # only where the table shows it
            with st.expander("Why the vanilla RNN falls behind on this level", icon=":material/help:"):
                st.markdown(levels.WHY_CELLS_DIFFER)
        return histories

    def shipped(self, names: dict, columns: dict, metric: str, title: str, caption: str,
                expander: str, key: str | None = None) -> dict:
        """The shipped models' validation curves and final metrics; ``names`` maps a label to a
        checkpoint name. Returns {label: history}."""
        with engine_errors():
            histories = {label: pretrained_experiment(name).history for label, name in names.items()}
            with st.expander(expander, expanded=True):
                c1, c2 = st.columns([3, 2])
                with c1:
                    show_figure(plots.compare_figure(histories, key=metric, title=title),
                                key=key or f"{self.prefix}_fig_shipped")
                with c2:
                    show_table(common.metric_rows(histories, columns),
                               formats={h: ".3f" for h in columns.values()})
                c2.caption(caption)
            return histories
        return {}


def keep_value(key: str, value) -> None:
    st.session_state[key] = value


def task_page(task: str, title: str, icon: str, *, header: str, model: ModelConfig,
              train: TrainConfig, prefix: str | None = None,
              relevant: tuple[str, ...] = ("arch", "hidden", "embed", "layers", "nonlinearity"),
              pretrained: Callable[[ModelConfig], str | None] | None = None,
              sidebar_extra: Callable[[], dict] | None = None) -> TaskPage:
    """Draw a task page's frame and return its state: page setup, the sidebar (cell, sizes,
    extra task options, training, data), the model Try and Inspect use and its label, a notice
    when any ``relevant`` setting (or the data) differs from that model, the header and the tabs.

    ``pretrained(config)`` names the shipped checkpoint for the sidebar's settings (default: the
    task's checkpoint for the cell, rnn.pretrained.pretrained_name). ``sidebar_extra()`` draws
    task options (e.g. teacher forcing) and returns them as the experiment's options.
    """
    from rnn.pretrained import pretrained_name

    setup_page(title, icon)
    model_cfg = architecture_sidebar(task, model)
    options = sidebar_extra() if sidebar_extra else {}
    train_cfg = training_sidebar(train, task=task)
    source = data_sidebar(task)
    name = pretrained(model_cfg) if pretrained else pretrained_name(
        task, model_cfg.arch, model_cfg.bidirectional, tokens=model_cfg.level)
    exp, label = active_experiment(f"{task}_exp", name)
    st.header(header, divider="gray")
    if source.get("problem"):                  # the sidebar is long: say it where people look
        st.error(source["problem"], icon=":material/error:")
    st.caption(f"Try and Inspect use {label}." if exp is not None else
               "No model for these settings yet: train one in the Train tab.")
    export_button(exp, key=f"{task}_export_active", label=f"Download {label} as a PyTorch script / notebook")
    if exp is not None:
        own = label.startswith("your model")
        differences = common.setting_differences(exp.model_config, model_cfg, exp.dataset,
                                                 source["dataset"] or f"file:{source['name']}",
                                                 relevant=relevant)
        if differences:
            whose = "Your trained model" if own else "The pretrained model"
            st.info(f"{whose} differs from the sidebar in: " + "; ".join(differences)
                    + ". To see your settings in action, train with them in the **Train** tab.",
                    icon=":material/info:")
    tabs = tuple(lesson_tabs())
    source.setdefault("default", next(iter(_task_datasets(task)), None))
    return TaskPage(task, prefix or task, model_cfg, train_cfg, source, options, exp, label, tabs,
                    ui_settings().max_text_chars, (model, train), tuple(relevant))


def _task_datasets(task: str) -> dict:
    from rnn.tasks import get_task
    return get_task(task).datasets()


__all__ = ["TaskPage", "task_page", "challenge_list", "keep", "lesson_markdown", "link_to_page",
           "apply_challenge", "CELLS"]
