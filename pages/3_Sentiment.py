"""Lesson: sentiment, a many-to-one RNN that reads a whole review and gives one answer at the end."""
from __future__ import annotations

import streamlit as st

from rnn import diagrams, plots
from rnn.lessons import sentiment as lesson
from rnn.lessons.common import a_cell
from rnn.models.config import ModelConfig
from rnn.train.config import TrainConfig
from rnn.ui import engine_errors, show_diagram, show_figure
from rnn.ui.kit import lesson_markdown, task_page

page = task_page("sentiment", header="Sentiment: one answer after reading the whole review",
                 model=ModelConfig(arch="lstm", hidden=64, embed=32, bidirectional=False),
                 train=TrainConfig(seconds=30), relevant=lesson.COMPARED_FIELDS)
exp = page.exp
page.keep({"sentiment_text": lesson.DEFAULT_TEXT,
           "sentiment_inspect_text": lesson.EXAMPLES["… but a dull plot"]})


def show_line(result: dict, key: str) -> None:
    show_figure(plots.prob_after_each_word(result["tokens"], result["prob_after_each"]), key=key)


with page.learn:
    if page.learn.open:
        if exp is not None:
            with engine_errors():
                st.markdown(f"**“{lesson.DEFAULT_TEXT}”**: the model's answer if the review "
                            "stopped after each word. Watch what “not” does to “good”.")
                show_line(exp.predict(lesson.DEFAULT_TEXT), "sentiment_demo")
        left, right = st.columns([3, 2])
        with left:
            lesson_markdown("sentiment_intro")
        with right:
            show_diagram(diagrams.taxonomy_svg("many-to-one"))
        st.subheader("Why word order matters")
        lesson_markdown("sentiment_order")
        page.challenges()

with page.train:
    if page.train.open:
        article, name = a_cell(page.model_cfg.arch).split(" ", 1)
        st.markdown(f"Train {article} **{name}** classifier on "
                    f"**{page.source['name']}**. Accuracy: the share of validation reviews it "
                    "labels correctly.")
        page.train_panel("accuracy")

with page.try_:
    if page.try_.open:
        if (result := page.try_prediction(lesson.EXAMPLES, "sentiment_text", "Your review")) is not None:
            label, phrase = lesson.verdict(result["prob"])
            c1, c2 = st.columns([2, 3])
            c1.metric("Verdict", label, f"P(positive) = {result['prob']:.2f} ({phrase})",
                      delta_color="normal" if label == "positive" else "inverse",
                      delta_arrow="off", border=True,
                      icon=":material/thumb_up:" if label == "positive" else ":material/thumb_down:")
            changes = lesson.swings(result["tokens"], result["prob_after_each"])
            if changes:
                c2.markdown("**Where it changed its mind most:**\n"
                            + "\n".join(f"- {lesson.swing_sentence(s)}" for s in changes))
            unseen = [t for t, k in zip(result["tokens"], result["known"]) if not k]
            if unseen:
                c2.caption("Never seen in training (read as `<unk>`, no meaning): "
                           + ", ".join(dict.fromkeys(unseen)) + ".")
            show_line(result, "sentiment_line")

with page.inspect:
    if page.inspect.open:
        text = page.text_box("Review to look inside", "sentiment_inspect_text")
        if not page.no_model():
            with engine_errors():
                page.inspect_states(exp.trace(text), note=lesson.INSPECT_NOTE)

with page.compare:
    if page.compare.open:
        page.shipped_long()
        page.shipped({a.upper(): f"sentiment-{a}" for a in lesson.RACE_CELLS}, lesson.SHIPPED_COLUMNS,
                     "accuracy", "Validation accuracy while training", lesson.SHIPPED_CAPTION,
                     "The shipped models on the easy level (500 training steps each)")
        st.subheader("Race them yourself: which learns best (accuracy)?")
        page.compare_cells("accuracy")
