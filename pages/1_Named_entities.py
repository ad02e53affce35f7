"""Lesson: named entities, a many-to-many RNN that labels every word (part of a person's name?)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from rnn import plots
from rnn.lessons import ner as lesson
from rnn.lessons.textgen import clean_text
from rnn.models.config import ModelConfig
from rnn.pretrained import pretrained_name
from rnn.train.trainer import TrainConfig
from rnn.ui import (architecture_sidebar, compare_panel, engine_errors, lesson_tabs, setup_page,
                    show_figure, training_panel, training_sidebar, ui_settings)
from rnn.ui.task_page import active_experiment, data_sidebar, make_factory, pretrained_experiment

setup_page("Named entities", ":material/person_search:")

TASK, EXP_KEY = "ner", "ner_exp"
BIDIR_PAGE = "pages/5_Bidirectional.py"
model_cfg = architecture_sidebar(TASK, ModelConfig(arch="lstm", hidden=64, embed=32,
                                                   bidirectional=True, char_features=True))
train_cfg = training_sidebar(TrainConfig(seconds=30), task=TASK)
source = data_sidebar(TASK)
make = make_factory(TASK, model_cfg, train_cfg, source)
signature = repr((model_cfg, train_cfg, source["name"]))
exp, model_label = active_experiment(EXP_KEY, pretrained_name(TASK, model_cfg.arch,
                                                              model_cfg.bidirectional))
max_chars = ui_settings().max_text_chars

st.header("Named entities: which words are part of a name?", divider="gray")
st.caption(f"Try and Inspect use {model_label}.")
if exp is not None and exp is not st.session_state.get(EXP_KEY):
    missing = lesson.config_differences(exp.model_config, model_cfg)
    if missing:
        st.info("The pretrained model differs from the sidebar in: " + ", ".join(missing)
                + ". To see your settings in action, train your own in the **Train** tab.",
                icon=":material/info:")
learn, train, try_, inspect, compare = lesson_tabs()

for key, value in {"ner_text": lesson.DEFAULT_TEXT,
                   "ner_inspect_text": lesson.EXAMPLES["Teddy Roosevelt"]}.items():
    # Widgets forget their value while their tab is closed; session_state keeps it.
    st.session_state[key] = st.session_state.get(key, value)


def apply_challenge(tab: str, state: dict) -> None:
    """A Learn-tab button: set the widgets for an experiment, then open its tab."""
    st.session_state.update(state)
    st.session_state["tab"] = tab


def link_to_page(path: str, label: str, icon: str) -> None:
    """st.page_link, or a plain link where Streamlit cannot resolve the page (a test that runs
    this file as the entry point has no pages/ around it)."""
    try:
        st.page_link(path, label=label, icon=icon)
    except StreamlitAPIException:
        st.markdown(f"{icon} [{label}]({Path(path).stem.split('_', 1)[-1]})")


def set_text(text: str) -> None:
    st.session_state["ner_text"] = text


def predict(text: str):
    """Clean typed text, warn about what was changed, and tag it (None if it cannot be used)."""
    text, notes = clean_text(text, max_chars)
    for note in notes:
        st.warning(note)
    with engine_errors():
        return exp.predict(text)
    return None


def show_chips(result: dict) -> None:
    st.html(lesson.chips_html(result["tokens"], result["probs"], result["known"]))
    st.html(lesson.legend_html())


with learn:
    if learn.open:
        if exp is not None:
            with engine_errors():
                demo = exp.predict(lesson.DEFAULT_TEXT)
                show_chips(demo)
                found = lesson.names_found(demo["tokens"], demo["is_name"])
                st.caption("Names found: " + (", ".join(f"**{n}**" for n in found) or "none")
                           + ". Darker = more likely part of a name; ✱ = a word it never saw.")
        left, right = st.columns([3, 2])
        with left:
            st.markdown("**Many-to-many, aligned:** one output per input word. The same cell reads "
                        "the sentence word by word and, after each word, answers *is this word "
                        "part of a person's name?* (1 = yes, 0 = no).")
            st.latex(r"a^{\langle t\rangle} = \tanh\!\left(W_{aa}\,a^{\langle t-1\rangle} + "
                     r"W_{ax}\,x^{\langle t\rangle} + b_a\right)")
            st.latex(r"\hat y^{\langle t\rangle} = \sigma\!\left(W_{ya}\,a^{\langle t\rangle} + "
                     r"b_y\right) \qquad \text{name if } \hat y^{\langle t\rangle} \ge 0.5")
            st.markdown("a⁽⁰⁾ = 0. The **same** weights are used at every word, so a 3-word and a "
                        "30-word sentence need the same number of parameters. GRU and LSTM replace "
                        "the tanh line with a gated update (see Inspect).")
        with right:
            show_figure(plots.taxonomy_figure("many-to-many"), key="ner_taxonomy")
        st.subheader("What goes in: x⁽ᵗ⁾")
        st.markdown("The textbook input is a **one-hot** vector over a dictionary: all zeros but a "
                    "1 at the word's index. Multiplying by an embedding matrix just picks a column: "
                    "e⁽ᵗ⁾ = E x⁽ᵗ⁾. But a name the dictionary never saw is only `<unk>`. So this "
                    "model also feeds in **what the word looks like**:")
        st.latex(r"e^{\langle t\rangle} = \big[\; E\,x^{\langle t\rangle} \;;\; "
                 r"\text{mean of the word's letter-piece embeddings} \;;\; "
                 r"\text{shape flags} \;\big]")
        st.dataframe(pd.DataFrame(lesson.spelling_table(
            ["Hermione", "Granger", "invented", "NASA", "Zoë", "."])), hide_index=True,
            width="stretch")
        st.markdown("**Why a name is recognised:** *spelling* (a capital letter, endings such as "
                    "-son, -ez, -ova) and *context* (“met … at”, “Mr.”, a known first name before "
                    "it). A unidirectional model only has the left context; a bidirectional one "
                    "also reads right to left, so the word after “Teddy” can decide.")
        st.subheader("Experiments: answer first, then click")
        for i, ch in enumerate(lesson.CHALLENGES):
            c1, c2 = st.columns([4, 1])
            c1.markdown(f"**{i + 1}. {ch.question}**")
            c2.button("Try it", key=f"ner_challenge_{i}", on_click=apply_challenge,
                      args=(ch.tab, ch.state), icon=":material/science:")
            with c1.expander("What to look for"):
                st.write(ch.hint)
        if (Path(__file__).resolve().parents[1] / BIDIR_PAGE).exists():
            link_to_page(BIDIR_PAGE, "More on “Teddy”: the Bidirectional lesson",
                         ":material/swap_horiz:")

with train:
    if train.open:
        direction = "bidirectional" if model_cfg.bidirectional else "left-to-right"
        spelling = "with" if model_cfg.char_features else "without"
        st.markdown(f"Train a **{direction} {model_cfg.arch.upper()}** tagger {spelling} spelling "
                    f"features on **{source['name']}**. F1 balances finding every name (recall) "
                    "against tagging only names (precision).")
        training_panel(EXP_KEY, make, "f1", signature=signature)

with try_:
    if try_.open:
        cols = st.columns(len(lesson.EXAMPLES))
        for col, (label, text) in zip(cols, lesson.EXAMPLES.items()):
            col.button(label, key=f"ner_example_{label}", on_click=set_text, args=(text,),
                       width="stretch")
        raw = st.text_input("Your sentence", key="ner_text", max_chars=max_chars)
        if exp is None:
            st.info(f"No model yet: {model_label}.")
        elif (result := predict(raw)) is not None:
            show_chips(result)
            found = lesson.names_found(result["tokens"], result["is_name"])
            st.markdown("**Names found:** " + (", ".join(f"“{n}”" for n in found) or "none"))
            unseen = lesson.unknown_words(result["tokens"], result["known"])
            if unseen:
                st.caption("✱ Never seen in training (the word embedding is just `<unk>`): "
                           + ", ".join(unseen[:20]) + (". Spelling and context do the work."
                                                       if exp.model_config.char_features else "."))
            show_figure(plots.token_prob_bars(result["tokens"], result["probs"]), key="ner_bars")

with inspect:
    if inspect.open:
        raw = st.text_input("Sentence to look inside", key="ner_inspect_text", max_chars=max_chars)
        text, notes = clean_text(raw, max_chars)
        for note in notes:
            st.warning(note)
        if exp is None:
            st.info(f"No model yet: {model_label}.")
        else:
            with engine_errors():
                trace = exp.trace(text)
                c1, c2 = st.columns(2)
                layer = 0
                if len(trace["layers"]) > 1:
                    layer = c1.radio("Layer", range(len(trace["layers"])), horizontal=True,
                                     key="ner_layer", format_func=lambda i: f"layer {i + 1}")
                names = lesson.direction_names(len(trace["layers"][0]))
                direction = 0
                if len(names) > 1:
                    direction = c2.radio("Direction", range(len(names)), horizontal=True,
                                         key="ner_direction", format_func=names.__getitem__)
                view = lesson.trace_view(trace, layer, direction)
                if view["cut"]:
                    st.caption(f"Showing the first {len(view['tokens'])} of {view['total']} words.")
                where = f"layer {layer + 1}, {names[direction].split(' (')[0]}"
                show_figure(plots.state_heatmap(view["h"], view["tokens"], "h",
                                                title=f"Hidden state a⟨t⟩ at each word ({where})"),
                            key="ner_h")
                if view["c"] is not None:
                    show_figure(plots.state_heatmap(view["c"], view["tokens"], "c",
                                                    title=f"LSTM cell state c⟨t⟩: the long-term "
                                                          f"memory ({where})"), key="ner_c")
                if view["gates"]:
                    st.caption(lesson.GATE_HELP.get(exp.model_config.arch, ""))
                    show_figure(plots.gates_heatmap(view["gates"], view["tokens"],
                                                    title=f"Gates at each word ({where})"),
                                key="ner_gates")
                else:
                    st.caption("A vanilla RNN has no gates: pick GRU or LSTM in the sidebar.")

with compare:
    if compare.open:
        st.markdown("Vanilla RNN, GRU and LSTM, one after the other, on the same data, seed and "
                    "time budget. Which finds names best (F1)?")
        with engine_errors():
            shipped = {arch.upper(): pretrained_experiment(f"ner-{arch}").history
                       for arch in ("rnn", "gru", "lstm")}
            left_to_right = pretrained_experiment("ner-lstm-uni").history
            with st.expander("The shipped models (600 training steps each)", expanded=True):
                c1, c2 = st.columns([3, 2])
                with c1:
                    show_figure(plots.compare_figure(shipped, key="f1",
                                                     title="Bidirectional taggers: validation F1 "
                                                           "while training"),
                                key="ner_fig_shipped")
                rows = lesson.metric_rows({**{f"{k} (bidirectional)": h for k, h in shipped.items()},
                                           "LSTM (left to right)": left_to_right},
                                          lesson.SHIPPED_COLUMNS)
                c2.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                             column_config={h: st.column_config.NumberColumn(format="%.3f")
                                            for h in lesson.SHIPPED_COLUMNS.values()})
                c2.caption("On this generated data every bidirectional cell ends near F1 = 1; the "
                           "differences are in how fast they get there. Reading left to right "
                           "only is what costs accuracy, on words like “Teddy”.")
        compare_panel(f"{TASK}_cmp", lambda arch: make_factory(
            TASK, ModelConfig.from_dict({**model_cfg.to_dict(), "arch": arch}), train_cfg, source)(),
            "f1", signature=signature)
