"""Lesson: named entities, a many-to-many RNN that labels every word (part of a person's name?)."""
from __future__ import annotations

import streamlit as st

from rnn import diagrams, plots
from rnn.lessons import ner as lesson
from rnn.models.config import ModelConfig
from rnn.train.config import TrainConfig
from rnn.ui import engine_errors, show_diagram, show_figure, show_table
from rnn.ui.kit import lesson_markdown, link_to_page, task_page

page = task_page("ner", header="Named entities: which words are part of a name?",
                 model=ModelConfig(arch="lstm", hidden=64, embed=32, bidirectional=True,
                                   char_features=True),
                 train=TrainConfig(seconds=30), relevant=lesson.COMPARED_FIELDS)
exp = page.exp
page.keep({"ner_text": lesson.DEFAULT_TEXT, "ner_inspect_text": lesson.EXAMPLES["Teddy Roosevelt"]})


def show_chips(result: dict) -> None:
    st.html(lesson.chips_html(result["tokens"], result["probs"], result["known"]))
    st.html(lesson.legend_html())


with page.learn:
    if page.learn.open:
        if exp is not None:
            with engine_errors():
                demo = exp.predict(lesson.DEFAULT_TEXT)
                show_chips(demo)
                st.caption(lesson.found_sentence(demo) + " Darker = more likely part of a name; "
                           "✱ = a word it never saw.")
        left, right = st.columns([3, 2])
        with left:
            lesson_markdown("ner_intro")
        with right:
            show_diagram(diagrams.taxonomy_svg("many-to-many"))
        st.subheader("What goes in: x⟨t⟩")
        lesson_markdown("ner_inputs")
        show_table(lesson.spelling_table(["Hermione", "Granger", "invented", "NASA", "Zoë", "."]))
        lesson_markdown("ner_why")
        page.challenges()
        link_to_page("bidirectional", "More on “Teddy”: the Bidirectional lesson",
                     ":material/swap_horiz:")

with page.train:
    if page.train.open:
        st.markdown(lesson.train_intro(page.model_cfg, page.source["name"]))
        page.train_panel("f1")

with page.try_:
    if page.try_.open:
        if (result := page.try_prediction(lesson.EXAMPLES, "ner_text", "Your sentence")) is not None:
            show_chips(result)
            st.markdown("**Names found:** " + (", ".join(
                f"“{n}”" for n in lesson.names_found(result["tokens"], result["is_name"])) or "none"))
            unseen = lesson.unknown_words(result["tokens"], result["known"])
            if unseen:
                st.caption("✱ Never seen in training (the word embedding is just `<unk>`): "
                           + ", ".join(unseen[:20]) + (". Spelling and context do the work."
                                                       if exp.model_config.char_features else "."))
            show_figure(plots.token_prob_bars(result["tokens"], result["probs"]), key="ner_bars")

with page.inspect:
    if page.inspect.open:
        text = page.text_box("Sentence to look inside", "ner_inspect_text")
        if not page.no_model():
            with engine_errors():
                page.inspect_states(exp.trace(text))

with page.compare:
    if page.compare.open:
        page.shipped_long()
        page.shipped({**{f"{a.upper()} (bidirectional)": f"ner-{a}" for a in lesson.RACE_CELLS},
                      "LSTM (left to right)": "ner-lstm-uni"}, lesson.SHIPPED_COLUMNS, "f1",
                     "Validation F1 while training", lesson.SHIPPED_CAPTION,
                     "The shipped models on the easy level (600 training steps each)")
        st.subheader("Race them yourself: which finds names best (F1)?")
        page.compare_cells("f1")
