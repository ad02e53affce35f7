"""Lesson: translation with an encoder-decoder (sequence to sequence) and attention."""
from __future__ import annotations

import streamlit as st

from rnn import plots
from rnn.lessons import translation as lesson
from rnn.models.config import ModelConfig
from rnn.plots.translation_page import exact_match_by_length_figure
from rnn.pretrained import pretrained_name
from rnn.train.trainer import TrainConfig
from rnn.ui import (architecture_sidebar, compare_panel, engine_errors, lesson_tabs, setup_page,
                    show_figure, training_panel, training_sidebar, ui_settings)
from rnn.ui.task_page import active_experiment, data_sidebar, make_factory

setup_page("Translation", ":material/translate:")

TASK, EXP_KEY, URL = "translation", "translation_exp", "query-params"
model_cfg = architecture_sidebar(TASK, ModelConfig(arch="lstm", hidden=64, attention="additive"))
teacher = st.sidebar.slider("Teacher forcing ratio", 0.0, 1.0, 1.0, 0.1,
                            key=f"{TASK}_teacher_forcing", bind=URL,
                            help="How often the decoder is fed the TRUE previous word while "
                                 "training (1 = always); otherwise it gets its own guess.")
train_cfg = training_sidebar(TrainConfig(seconds=60), task=TASK)
source = data_sidebar(TASK)
options = {"teacher_forcing": teacher}


def factory(config: ModelConfig):
    return make_factory(TASK, config, train_cfg, source, options=options)


signature = repr((model_cfg, train_cfg, source["name"], teacher))
exp, model_label = active_experiment(EXP_KEY, pretrained_name(TASK, model_cfg.arch))
max_chars = ui_settings().max_text_chars

st.header("Translation: encoder, decoder and attention", divider="gray")
st.caption(f"Try and Inspect use {model_label}.")
if exp is not None and exp.dataset != source["name"]:
    st.info(f"This model was trained on **{exp.dataset}**. For **{source['name']}**, train your "
            "own in the **Train** tab.", icon=":material/info:")
learn, train, try_, inspect, compare = lesson_tabs()


def keep(defaults: dict) -> None:
    """Give widgets their first value through session_state and keep it while their tab is
    closed (Streamlit forgets the state of widgets that were not drawn in a run)."""
    for key, value in defaults.items():
        st.session_state[key] = st.session_state.get(key, value)


first_example = (lesson.examples(exp.dataset) or [""])[0] if exp is not None else ""
keep({"tr_source": first_example, "tr_inspect_source": first_example, "tr_decoding": "greedy",
      "tr_beam": 4})


def apply(values: dict) -> None:
    """A Learn-tab button: set widgets for an experiment, then open the tab it needs."""
    for key, value in values.items():
        st.session_state[key] = value


CHALLENGES = [
    ("Without attention the decoder only gets one vector. Which inputs fail first: short or long?",
     "The race below trains all three on human dates (10 to 30 characters).",
     {f"{TASK}_dataset": "dates", "tab": "Compare"}),
    ("'one hundred and ninety' is 'cent quatre-vingt-dix'. Which English word does the model "
     "look at while writing 'quatre-vingt-dix'?",
     "Find the bright cell in that row of the attention heatmap.",
     {"tr_source": "one hundred and ninety", "tab": "Try"}),
    ("With teacher forcing 0 the decoder always eats its own guesses while training. "
     "Faster or slower to learn?", "Watch the validation exact match in the first minute.",
     {f"{TASK}_teacher_forcing": 0.0, "tab": "Train"}),
]

with learn:
    if learn.open:
        left, right = st.columns([3, 2])
        with left:
            st.markdown("Two RNNs. The **encoder** reads the source x₁…x_S and keeps every state "
                        "h_j. A **bridge** turns its final state into the **decoder**'s first "
                        "state s₀; the decoder then writes one word at a time, like a language model.")
            st.latex(r"h_j = \mathrm{RNN}_{enc}(h_{j-1},\, E_x x_j) \qquad "
                     r"s_0 = \tanh\!\left(W_b\, h_S\right)")
            st.latex(r"s_t = \mathrm{RNN}_{dec}\!\left(s_{t-1},\, [E_y y_{t-1};\, c_t]\right)")
            st.latex(r"p(y_t \mid y_{<t}, x) = \mathrm{softmax}\!\left(W_o [s_t;\, c_t]\right)")
        with right:
            show_figure(plots.taxonomy_figure("encoder-decoder"), key="tr_taxonomy")
        st.subheader("The bottleneck, and attention")
        st.markdown("Without attention, everything about the source must squeeze through the "
                    "single vector s₀. **Attention** lets each decoder step look back at all "
                    "encoder states and take a weighted average, the context c_t:")
        st.latex(r"e_{t,j} = \underbrace{s_{t-1}^{\top} W_k h_j}_{\text{dot}} \;\text{or}\; "
                 r"\underbrace{v^{\top}\tanh(W_s s_{t-1} + W_h h_j)}_{\text{additive}}")
        st.latex(r"\alpha_t = \mathrm{softmax}(e_t) \qquad c_t = \sum_{j=1}^{S} \alpha_{t,j}\, h_j")
        st.markdown("The weights α form the **attention heatmap** in Try: one row per output "
                    "word, one column per source word, each row adds up to 1.")
        st.subheader("Training and decoding")
        st.markdown("- **Teacher forcing**: while training, feed the true previous word y_{t-1} "
                    "(the sidebar ratio says how often).\n"
                    "- **Greedy**: at each step take the most likely word.\n"
                    "- **Beam search**: keep the k best partial translations and pick the best "
                    "complete one.")
        st.subheader("Experiments: answer first, then click")
        for i, (question, hint, values) in enumerate(CHALLENGES):
            c1, c2 = st.columns([4, 1])
            c1.markdown(f"**{i + 1}. {question}**")
            c2.button("Try it", key=f"tr_challenge_{i}", on_click=apply, args=(values,),
                      icon=":material/science:")
            c1.caption(hint)

with train:
    if train.open:
        st.markdown(f"Train a **{model_cfg.arch.upper()}** encoder-decoder with **{model_cfg.attention}** "
                    f"attention on **{source['name']}**, teacher forcing {teacher:g}.")
        training_panel(EXP_KEY, factory(model_cfg), "exact_match", signature=signature)

with try_:
    if try_.open:
        if exp is None:
            st.info("No model yet: train one in the **Train** tab.")
        else:
            examples = lesson.examples(exp.dataset)
            pick = st.pills("Examples", examples, key="tr_example",
                            on_change=lambda: st.session_state.update(
                                tr_source=st.session_state.get("tr_example") or ""))
            raw = st.text_input("Source sentence", key="tr_source", max_chars=max_chars)
            c1, c2 = st.columns([1, 2])
            decoding = c1.radio("Decoding", ("greedy", "beam"), horizontal=True, key="tr_decoding")
            width = c2.slider("Beam width", 2, 10, key="tr_beam", disabled=decoding == "greedy")
            text, notes = lesson.clean_source(raw, max_chars)
            text, was_cut = lesson.cut_source(text, exp.dataset)
            if was_cut:
                notes.append(f"Only the first {lesson.MAX_SOURCE_TOKENS} tokens are translated.")
            for note in notes:
                st.warning(note)
            with engine_errors():
                result = exp.predict(text, beam=width if decoding == "beam" else 1)
                if result["unknown"]:
                    st.warning("Not in this model's vocabulary (read as unknown): "
                               + ", ".join(sorted(set(result["unknown"]))[:20]))
                st.markdown("**Translation**")
                st.code(result["text"] or "(empty)", language=None, wrap_lines=True)
                axes = lesson.attention_axes(result)
                if axes is None:
                    st.info("This model has **no attention**: the decoder saw only the bridge "
                            "vector s₀, so there is no heatmap. Pick dot or additive in the sidebar "
                            "and train to see one.")
                else:
                    show_figure(plots.attention_heatmap(result["attention"], *axes), key="tr_attn")

with inspect:
    if inspect.open:
        if exp is None:
            st.info("No model yet: train one in the **Train** tab.")
        else:
            raw = st.text_input("Source to encode", key="tr_inspect_source", max_chars=max_chars)
            text, notes = lesson.clean_source(raw, max_chars)
            for note in notes:
                st.warning(note)
            with engine_errors():
                trace = lesson.encoder_trace(exp, text)
                layer = 0
                if len(trace["layers"]) > 1:
                    layer = st.radio("Encoder layer", range(len(trace["layers"])), horizontal=True,
                                     key="tr_layer", format_func=lambda i: f"layer {i + 1}")
                directions = trace["layers"][layer]
                for d, arrays in enumerate(directions):
                    name = ["left to right", "right to left"][d] if len(directions) > 1 else ""
                    show_figure(plots.state_heatmap(arrays["h"], trace["tokens"], "h",
                                title=f"Encoder hidden states h_j {name}".strip()),
                                key=f"tr_h_{d}")
                    if "c" in arrays:
                        show_figure(plots.state_heatmap(arrays["c"], trace["tokens"], "c",
                                    title=f"Encoder cell state c {name}".strip()), key=f"tr_c_{d}")
                    gates = {k: v for k, v in arrays.items() if k in ("i", "f", "o", "r", "z")}
                    if gates:
                        show_figure(plots.gates_heatmap(gates, trace["tokens"],
                                    title=f"Encoder gates {name}".strip()), key=f"tr_g_{d}")
                st.caption("The last column is all the decoder gets without attention (through the "
                           "bridge); with attention it can read every column.")

with compare:
    if compare.open:
        st.subheader("Vanilla RNN vs GRU vs LSTM")
        compare_panel(f"{TASK}_cmp", lambda arch: factory(
            ModelConfig.from_dict({**model_cfg.to_dict(), "arch": arch}))(),
            "exact_match", signature=signature)
        st.subheader(f"Race: attention or not ({model_cfg.arch.upper()}, {source['name']})")
        st.markdown("The same model three times: without attention, with dot and with additive "
                    "attention. Long inputs are where the bottleneck hurts; the **dates** set "
                    "has the longest (a 30 s budget per model is enough there).")
        runs = compare_panel(f"{TASK}_race", lambda label: factory(
            lesson.race_config(model_cfg, label))(), "exact_match", archs=list(lesson.RACE),
            signature=signature)
        key = repr(({k: len(e.history) for k, e in runs.items() if e is not None}, signature))
        if st.button("Score by source length", key="tr_score", icon=":material/straighten:",
                     disabled=not any(e is not None for e in runs.values())):
            with engine_errors(), st.spinner("Translating the validation set…"):
                st.session_state["tr_by_length"] = (key, lesson.length_scores(runs))
        scored = st.session_state.get("tr_by_length")
        show_figure(exact_match_by_length_figure(scored[1] if scored else {}), key="tr_by_len")
        if scored and scored[0] != key:
            st.caption("The runs have moved on since this was scored: press the button again.")
