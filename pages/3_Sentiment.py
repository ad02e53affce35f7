"""Lesson: sentiment, a many-to-one RNN that reads a whole review and gives one answer at the end."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from rnn import plots
from rnn.lessons import sentiment as lesson
from rnn.lessons.textgen import clean_text
from rnn.models.config import ModelConfig
from rnn.pretrained import pretrained_name
from rnn.train.trainer import TrainConfig
from rnn.ui import (architecture_sidebar, compare_panel, engine_errors, lesson_tabs, setup_page,
                    show_figure, training_panel, training_sidebar, ui_settings)
from rnn.ui.task_page import active_experiment, data_sidebar, make_factory, pretrained_experiment

setup_page("Sentiment", ":material/sentiment_satisfied:")

TASK, EXP_KEY = "sentiment", "sentiment_exp"
model_cfg = architecture_sidebar(TASK, ModelConfig(arch="lstm", hidden=64, embed=32,
                                                   bidirectional=False))
train_cfg = training_sidebar(TrainConfig(seconds=30), task=TASK)
source = data_sidebar(TASK)
make = make_factory(TASK, model_cfg, train_cfg, source)
signature = repr((model_cfg, train_cfg, source["name"]))
exp, model_label = active_experiment(EXP_KEY, pretrained_name(TASK, model_cfg.arch))
max_chars = ui_settings().max_text_chars

st.header("Sentiment: one answer after reading the whole review", divider="gray")
st.caption(f"Try and Inspect use {model_label}.")
if exp is not None and exp is not st.session_state.get(EXP_KEY):
    missing = lesson.config_differences(exp.model_config, model_cfg)
    if missing:
        st.info("The pretrained model differs from the sidebar in: " + ", ".join(missing)
                + ". To see your settings in action, train your own in the **Train** tab.",
                icon=":material/info:")
learn, train, try_, inspect, compare = lesson_tabs()

for key, value in {"sentiment_text": lesson.DEFAULT_TEXT,
                   "sentiment_inspect_text": lesson.EXAMPLES["… but a dull plot"]}.items():
    # Widgets forget their value while their tab is closed; session_state keeps it.
    st.session_state[key] = st.session_state.get(key, value)


def apply_challenge(tab: str, state: dict) -> None:
    """A Learn-tab button: set the widgets for an experiment, then open its tab."""
    st.session_state.update(state)
    st.session_state["tab"] = tab


def set_text(text: str) -> None:
    st.session_state["sentiment_text"] = text


def predict(text: str):
    """Clean typed text, warn about what was changed, and score it (None if it cannot be used)."""
    text, notes = clean_text(text, max_chars)
    for note in notes:
        st.warning(note)
    with engine_errors():
        return exp.predict(text)
    return None


def show_line(result: dict, key: str) -> None:
    show_figure(plots.prob_after_each_word(result["tokens"], result["prob_after_each"]), key=key)


with learn:
    if learn.open:
        if exp is not None:
            with engine_errors():
                demo = exp.predict(lesson.DEFAULT_TEXT)
                st.markdown(f"**“{lesson.DEFAULT_TEXT}”**: the model's answer if the review "
                            "stopped after each word. Watch what “not” does to “good”.")
                show_line(demo, "sentiment_demo")
        left, right = st.columns([3, 2])
        with left:
            st.markdown("**Many-to-one:** the RNN reads every word, but only its **last** state "
                        "a⁽ᵀ⁾ is turned into an answer: the probability that the review is "
                        "positive.")
            st.latex(r"a^{\langle t\rangle} = \tanh\!\left(W_{aa}\,a^{\langle t-1\rangle} + "
                     r"W_{ax}\,x^{\langle t\rangle} + b_a\right), \quad t = 1,\dots,T")
            st.latex(r"\hat y = \sigma\!\left(W_{ya}\,a^{\langle T\rangle} + b_y\right) "
                     r"= P(\text{positive})")
            st.markdown("Everything the model wants to say about word 2 must survive in the state "
                        "until word T. GRU and LSTM gates help it keep that memory.")
        with right:
            show_figure(plots.taxonomy_figure("many-to-one"), key="sentiment_taxonomy")
        st.subheader("Why word order matters")
        st.markdown(
            "- **Negation:** “not good” is negative, “never boring” is positive. The same words "
            "in another order (“good, not boring”) mean something else.\n"
            "- **Contrast:** in “good acting but a dull plot” the clause **after** “but” wins: "
            "negative. Swap the halves and the answer flips.\n"
            "- Counting good and bad words cannot tell these apart; a state carried from word to "
            "word can.")
        st.markdown("The line on the **Try** tab is the model's answer if the review stopped after "
                    "each word (each prefix scored on its own), so you can see where it changes "
                    "its mind.")
        st.subheader("Experiments: answer first, then click")
        for i, ch in enumerate(lesson.CHALLENGES):
            c1, c2 = st.columns([4, 1])
            c1.markdown(f"**{i + 1}. {ch.question}**")
            c2.button("Try it", key=f"sentiment_challenge_{i}", on_click=apply_challenge,
                      args=(ch.tab, ch.state), icon=":material/science:")
            with c1.expander("What to look for"):
                st.write(ch.hint)

with train:
    if train.open:
        st.markdown(f"Train a **{model_cfg.arch.upper()}** classifier on **{source['name']}**. "
                    "Accuracy: the share of validation reviews it labels correctly.")
        training_panel(EXP_KEY, make, "accuracy", signature=signature)

with try_:
    if try_.open:
        cols = st.columns(len(lesson.EXAMPLES))
        for col, (label, text) in zip(cols, lesson.EXAMPLES.items()):
            col.button(label, key=f"sentiment_example_{label}", on_click=set_text, args=(text,),
                       width="stretch")
        raw = st.text_input("Your review", key="sentiment_text", max_chars=max_chars)
        if exp is None:
            st.info(f"No model yet: {model_label}.")
        elif (result := predict(raw)) is not None:
            label, phrase = lesson.verdict(result["prob"])
            c1, c2 = st.columns([2, 3])
            c1.metric("Verdict", label, f"P(positive) = {result['prob']:.2f} ({phrase})",
                      delta_color="normal" if label == "positive" else "inverse",
                      delta_arrow="off", border=True,
                      icon=":material/thumb_up:" if label == "positive" else ":material/thumb_down:")
            with c2:
                changes = lesson.swings(result["tokens"], result["prob_after_each"])
                if changes:
                    st.markdown("**Where it changed its mind most:**\n"
                                + "\n".join(f"- {lesson.swing_sentence(s)}" for s in changes))
                unseen = [t for t, k in zip(result["tokens"], result["known"]) if not k]
                if unseen:
                    st.caption("Never seen in training (read as `<unk>`, no meaning): "
                               + ", ".join(dict.fromkeys(unseen)) + ".")
            show_line(result, "sentiment_line")

with inspect:
    if inspect.open:
        raw = st.text_input("Review to look inside", key="sentiment_inspect_text",
                            max_chars=max_chars)
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
                                     key="sentiment_layer", format_func=lambda i: f"layer {i + 1}")
                names = lesson.direction_names(len(trace["layers"][0]))
                direction = 0
                if len(names) > 1:
                    direction = c2.radio("Direction", range(len(names)), horizontal=True,
                                         key="sentiment_direction", format_func=names.__getitem__)
                view = lesson.trace_view(trace, layer, direction)
                if view["cut"]:
                    st.caption(f"Showing the first {len(view['tokens'])} of {view['total']} words.")
                st.markdown("Only the **last column** of a⟨t⟩ reaches the output. Look for units "
                            "that change sign at “not” or “but”.")
                where = f"layer {layer + 1}, {names[direction].split(' (')[0]}"
                show_figure(plots.state_heatmap(view["h"], view["tokens"], "h",
                                                title=f"Hidden state a⟨t⟩ at each word ({where})"),
                            key="sentiment_h")
                if view["c"] is not None:
                    show_figure(plots.state_heatmap(view["c"], view["tokens"], "c",
                                                    title=f"LSTM cell state c⟨t⟩: the long-term "
                                                          f"memory ({where})"), key="sentiment_c")
                if view["gates"]:
                    st.caption(lesson.GATE_HELP.get(exp.model_config.arch, ""))
                    show_figure(plots.gates_heatmap(view["gates"], view["tokens"],
                                                    title=f"Gates at each word ({where})"),
                                key="sentiment_gates")
                else:
                    st.caption("A vanilla RNN has no gates: pick GRU or LSTM in the sidebar.")

with compare:
    if compare.open:
        st.markdown("Vanilla RNN, GRU and LSTM, one after the other, on the same data, seed and "
                    "time budget. Which one learns negation and “but” best (accuracy)?")
        with engine_errors():
            shipped = {arch.upper(): pretrained_experiment(f"sentiment-{arch}").history
                       for arch in ("rnn", "gru", "lstm")}
            with st.expander("The shipped models (500 training steps each)", expanded=True):
                c1, c2 = st.columns([3, 2])
                with c1:
                    show_figure(plots.compare_figure(shipped, key="accuracy",
                                                     title="Validation accuracy while training"),
                                key="sentiment_fig_shipped")
                c2.dataframe(pd.DataFrame(lesson.metric_rows(shipped, lesson.SHIPPED_COLUMNS)),
                             hide_index=True, width="stretch",
                             column_config={h: st.column_config.NumberColumn(format="%.3f")
                                            for h in lesson.SHIPPED_COLUMNS.values()})
                c2.caption("All three end near 100 % on this generated data; the vanilla RNN "
                           "needs more steps to get there.")
        compare_panel(f"{TASK}_cmp", lambda arch: make_factory(
            TASK, ModelConfig.from_dict({**model_cfg.to_dict(), "arch": arch}), train_cfg, source)(),
            "accuracy", signature=signature)
