"""Lesson: translation with an encoder-decoder (sequence to sequence) and attention."""
from __future__ import annotations

import streamlit as st

from rnn import diagrams, plots
from rnn.lessons import translation as lesson
from rnn.models.config import ModelConfig
from rnn.plots.translation_page import exact_match_by_length_figure
from rnn.train.config import TrainConfig
from rnn.ui import engine_errors, show_diagram, show_figure, show_table
from rnn.ui.kit import lesson_markdown, task_page
from rnn.ui.task_page import pretrained_experiment
from rnn.ui.widgets import URL


def teacher_forcing() -> dict:
    return {"teacher_forcing": st.sidebar.slider(
        "Teacher forcing ratio", 0.0, 1.0, 1.0, 0.1, key="translation_teacher_forcing", bind=URL,
        help="How often the decoder is fed the TRUE previous word y⟨t−1⟩ while training "
             "(1 = always); otherwise it gets its own guess ŷ⟨t−1⟩.")}


page = task_page("translation", prefix="tr",
                 header="Translation: encoder, decoder and attention",
                 model=ModelConfig(arch="lstm", hidden=64, attention="additive"),
                 train=TrainConfig(seconds=60), relevant=lesson.COMPARED_FIELDS,
                 sidebar_extra=teacher_forcing, pretrained=lesson.pretrained_for)
exp = page.exp


@st.cache_data(show_spinner="Scoring the shipped pair by source length…")
def shipped_by_length() -> dict:
    return lesson.length_scores({label: pretrained_experiment(name)
                                 for label, name in lesson.SHIPPED_PAIR.items()})


first_example = (lesson.examples(exp.dataset) or [""])[0] if exp is not None else ""
page.keep({"tr_source": first_example, "tr_inspect_source": first_example, "tr_decoding": "greedy",
           "tr_beam": 4})

with page.learn:
    if page.learn.open:
        left, right = st.columns([3, 2])
        with left:
            lesson_markdown("translation_intro")
        with right:
            show_diagram(diagrams.taxonomy_svg("encoder-decoder"))
        st.subheader("The bottleneck, and attention")
        lesson_markdown("translation_attention")
        st.subheader("Training and decoding")
        lesson_markdown("translation_decoding")
        page.challenges()

with page.train:
    if page.train.open:
        st.markdown(lesson.train_intro(page.model_cfg, page.source["name"], page.options))
        page.train_panel("exact_match")

with page.try_:
    if page.try_.open and not page.no_model():
        st.pills("Examples", lesson.examples(exp.dataset), key="tr_example",
                 on_change=lambda: st.session_state.update(tr_source=st.session_state.get("tr_example") or ""))
        text = page.text_box("Source sentence", "tr_source")
        c1, c2 = st.columns([1, 2])
        decoding = c1.radio("Decoding", ("greedy", "beam"), horizontal=True, key="tr_decoding", bind=URL)
        width = c2.slider("Beam width k", 2, 10, key="tr_beam", bind=URL, disabled=decoding == "greedy")
        text, dropped = lesson.drop_unseen_punctuation(text, exp.dataset)
        if dropped:
            st.caption(dropped)
        text, was_cut = lesson.cut_source(text, exp.dataset)
        if was_cut:
            st.warning(f"Only the first {lesson.MAX_SOURCE_TOKENS} tokens are translated.")
        with engine_errors():
            result = exp.predict(text, beam=width if decoding == "beam" else 1)
            if result["unknown"]:
                st.warning("Not in this model's vocabulary (read as `<unk>`): "
                           + ", ".join(sorted(set(result["unknown"]))[:20]))
            st.markdown("**Translation**")
            st.code(result["text"] or "(empty)", language=None, wrap_lines=True)
            if result.get("hypotheses"):
                st.markdown(f"**The {len(result['hypotheses'])} hypotheses beam search kept**")
                show_table(lesson.hypothesis_rows(result))
            axes = lesson.attention_axes(result)
            if axes is None:
                st.info("This model has **no attention**: the decoder saw only the bridge vector "
                        "s⟨0⟩, so there is no heatmap. Pick dot or additive in the sidebar and "
                        "train to see one.")
            else:
                show_figure(plots.attention_heatmap(result["attention"], *axes), key="tr_attn")
                st.caption(lesson.SHIFT_NOTE)

with page.inspect:
    if page.inspect.open and not page.no_model():
        text = page.text_box("Source to encode", "tr_inspect_source")
        with engine_errors():
            page.inspect_states(lesson.encoder_trace(exp, text), note=lesson.INSPECT_NOTE,
                                who="Encoder ")

with page.compare:
    if page.compare.open:
        page.shipped_long()
        st.subheader("Race them yourself: vanilla RNN vs GRU vs LSTM")
        page.compare_cells("exact_match")
        st.subheader(f"Race: attention or not ({page.model_cfg.arch.upper()}, {page.source['name']})")
        st.markdown(lesson.RACE_INTRO)
        with engine_errors():
            show_figure(exact_match_by_length_figure(shipped_by_length(), title=lesson.SHIPPED_PAIR_TITLE),
                        key="tr_by_len_shipped")
        runs = page.compare_cells("exact_match", archs=list(lesson.RACE), key="translation_race",
                                  changes=lambda label: {"attention": lesson.RACE[label]})
        key = repr(({k: len(e.history) for k, e in runs.items() if e is not None}, page.signature))
        if st.button("Score by source length", key="tr_score", icon=":material/straighten:",
                     disabled=not any(e is not None for e in runs.values())):
            with engine_errors(), st.spinner("Translating the validation set…"):
                st.session_state["tr_by_length"] = (key, lesson.length_scores(runs))
        scored = st.session_state.get("tr_by_length")
        show_figure(exact_match_by_length_figure(scored[1] if scored else {}), key="tr_by_len")
        if scored and scored[0] != key:
            st.caption("The runs have moved on since this was scored: press the button again.")
