"""The lesson-page kit: the frame every lesson page is built on, so a page reads like its lesson.

A task page (pages 1–4: a task, its data, a model to try):

    page = task_page("ner", header=..., model=ModelConfig(...), train=TrainConfig(...),
                     relevant=(...))
    page.keep({...})                      widget values that survive a closed tab
    with page.learn: ...                  the five tabs (Learn, Train, Try, Inspect, Compare)
    page.challenges()                     the page's "Experiments: answer first, then click"
    text = page.text_box(label, key)      typed text, cleaned, with a warning for what was changed
    page.inspect_states(trace)            the Inspect tab's state heatmaps (rnn.ui.inspect_view)
    page.train_panel(metric)              live training (rnn.ui.task_training, live_training)
    page.new_experiment(label)            what it trains: an Experiment of the sidebar's settings
    page.compare_cells(metric)            RNN vs GRU vs LSTM, live (rnn.ui.task_training)
    page.shipped(histories, columns, ...) the shipped models' curves and table (rnn.ui.shipped)

A lab page (pages 5–7: one experiment of the notes, its own sidebar):

    page = lab_page("gradflow", prefix="grad")                title, icon: rnn.lessons.pages
    model_cfg, train_cfg = page.model_sidebar(model, train)   (or the lab's own sidebar)
    exp, label = page.model(exp_key, pretrained_name)         the model Try and Inspect use
    page.open(header, caption=..., notice=...)                the header and the five tabs
    with page.learn: ... page.challenges()

Everything here is layout; the computations are in rnn/lessons/ (no Streamlit there).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import streamlit as st
from streamlit.errors import StreamlitAPIException

from rnn.lessons import common
from rnn.lessons.pages import PAGES
from rnn.models.config import ModelConfig
from rnn.train.config import TrainConfig
from rnn.ui import inspect_view, shipped, task_training
from rnn.ui.downloads import export_button
from rnn.ui.errors import engine_errors
from rnn.ui.live_training import training_panel
from rnn.ui.setup import setup_page, ui_settings
from rnn.ui.task_page import active_experiment, data_args, data_sidebar
from rnn.ui.widgets import CELLS, URL, architecture_sidebar, lesson_tabs, training_sidebar

LESSON_TEXT = Path(__file__).resolve().parents[1] / "lessons" / "text"


def lesson_markdown(name: str) -> None:
    """Show ``rnn/lessons/text/<name>.md`` (Markdown with $$…$$ equations)."""
    st.markdown((LESSON_TEXT / f"{name}.md").read_text(encoding="utf-8"))


def keep(defaults: dict) -> None:
    """Give widgets their first value through session_state and keep it while their tab is
    closed (Streamlit forgets the state of widgets that were not drawn in a run)."""
    for key, value in defaults.items():
        st.session_state[key] = st.session_state.get(key, value)


def keep_value(key: str, value) -> None:
    st.session_state[key] = value


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


def link_to_page(page: str, label: str, icon: str) -> None:
    """st.page_link to the page with key ``page`` (rnn.lessons.pages), or a plain link where
    Streamlit cannot resolve it (a test that runs one page file as the entry point has no pages/
    around it)."""
    path = PAGES[page].path
    try:
        st.page_link(path, label=label, icon=icon)
    except StreamlitAPIException:
        st.markdown(f"{icon} [{label}]({Path(path).stem.split('_', 1)[-1]})")


class LessonPage:
    """What every lesson page has: its five tabs and its predict-first experiments. Subclasses
    give ``key`` (the page in rnn.lessons.pages), ``prefix`` (its widget keys) and ``tabs``."""
    key: str
    prefix: str
    tabs: tuple

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

    def keep(self, defaults: dict) -> None:
        keep(defaults)

    def challenges(self, challenges: Sequence | None = None) -> None:
        """The page's experiments (default: its questions in rnn/lessons/questions/)."""
        if challenges is None:
            from rnn.lessons.challenges import for_page
            challenges = for_page(PAGES[self.key].file)
        challenge_list(challenges, self.prefix)


@dataclass
class LabPage(LessonPage):
    """A lab page's frame (see ``lab_page``): the page, its widget prefix, its model, its tabs."""
    key: str
    prefix: str
    exp: object | None = None
    label: str = ""
    tabs: tuple = ()

    def model_sidebar(self, model, train, *, task: str | None = None, note: str = ""):
        """The sidebar's cell and sizes, then (after ``note``, a caption) its training settings;
        -> (ModelConfig, TrainConfig), clamped to the server's limits. ``task``: the widgets'
        prefix and the fields shown (default: the page's prefix)."""
        model_cfg = architecture_sidebar(task or self.prefix, model)
        if note:
            st.sidebar.caption(note)
        return model_cfg, training_sidebar(train, task=task or self.prefix)

    def model(self, exp_key: str, pretrained_name: str | None):
        """The model Try and Inspect use: the session's own once trained, else the shipped one
        (rnn.ui.task_page.active_experiment); -> (experiment or None, label)."""
        self.exp, self.label = active_experiment(exp_key, pretrained_name)
        return self.exp, self.label

    def open(self, header: str, *, caption: str = "", notice: str | None = None) -> None:
        """The header, a caption and a notice under it, then the five tabs."""
        st.header(header, divider="gray")
        if caption:
            st.caption(caption)
        if notice:
            st.info(notice, icon=":material/info:")
        self.tabs = tuple(lesson_tabs())

    def gated(self, work: Callable[[], object], name: str | None = None):
        """``work()`` in one of the server's lab slots (``run_in_gate``)."""
        return run_in_gate(work, name or self.key)

    def capped(self, text: str) -> str:
        """``text`` cut to the server's limit, with a warning when it was cut."""
        if len(text) > (limit := ui_settings().max_text_chars):
            st.warning(f"Only the first {limit:,} characters are used.")
        return text[:limit]


def lab_page(key: str, *, prefix: str) -> LabPage:
    """Set up the lab page ``key`` of rnn.lessons.pages (its title and icon); the page then draws
    its sidebar and calls ``open`` for the header and the tabs."""
    setup_page(PAGES[key].title, PAGES[key].icon)
    return LabPage(key, prefix)


@dataclass
class TaskPage(LessonPage):
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
    def key(self) -> str:
        return self.task

    @property
    def exp_key(self) -> str:
        return f"{self.task}_exp"

    @property
    def signature(self) -> str:
        """Names every setting that shapes a training run (a change starts a new run)."""
        return repr((self.model_cfg, self.train_cfg, self.source["name"], sorted(self.options.items())))

    @property
    def summary(self) -> str:
        return task_training.run_summary(self)

    def new_experiment(self, label: str | None = None, *, train: TrainConfig | None = None,
                       **changes):
        """A fresh Experiment with the sidebar's settings and data: what a live panel trains,
        built on the first tick after Start (``train_panel``'s with the label None; a race's with
        its cell's label, ``changes`` to the model config such as ``arch="gru"`` and ``train``,
        its own TrainConfig)."""
        from rnn.experiment import Experiment
        config = dataclasses.replace(self.model_cfg, **changes) if changes else self.model_cfg
        return Experiment.create(self.task, config, train or self.train_cfg, options=self.options,
                                 **data_args(self.source))

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

    def inspect_states(self, trace: dict, **options) -> None:
        inspect_view.inspect_states(self, trace, **options)

    def train_panel(self, metric: str, **kwargs):
        task_training.fit_button(self)
        return training_panel(self.exp_key, self.new_experiment, metric, signature=self.signature,
                              summary=self.summary, **kwargs)

    def compare_cells(self, metric: str, **options) -> dict:
        return task_training.compare_cells(self, metric, **options)

    def shipped_long(self) -> dict:
        return shipped.shipped_long(self.task, key=f"{self.prefix}_fig_shipped_long")

    def shipped(self, names: dict, columns: dict, metric: str, title: str, caption: str,
                expander: str, key: str | None = None) -> dict:
        return shipped.shipped(names, columns, metric, title, caption, expander,
                               key=key or f"{self.prefix}_fig_shipped")


def task_page(task: str, *, header: str, model: ModelConfig, train: TrainConfig,
              prefix: str | None = None,
              relevant: tuple[str, ...] = ("arch", "hidden", "embed", "layers", "nonlinearity"),
              pretrained: Callable[[ModelConfig], str | None] | None = None,
              sidebar_extra: Callable[[], dict] | None = None) -> TaskPage:
    """Draw a task page's frame and return its state: page setup (title and icon: the page
    ``task`` of rnn.lessons.pages), the sidebar (cell, sizes, extra task options, training, data),
    the model Try and Inspect use and its label, a notice when any ``relevant`` setting (or the
    data) differs from that model, the header and the tabs.

    ``pretrained(config)`` names the shipped checkpoint for the sidebar's settings (default: the
    task's checkpoint for the cell, rnn.pretrained.pretrained_name). ``sidebar_extra()`` draws
    task options (e.g. teacher forcing) and returns them as the experiment's options.
    """
    from rnn.pretrained import pretrained_name

    setup_page(PAGES[task].title, PAGES[task].icon)
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


__all__ = ["TaskPage", "task_page", "LabPage", "lab_page", "LessonPage", "challenge_list", "keep",
           "lesson_markdown", "link_to_page", "apply_challenge", "run_in_gate", "CELLS"]
