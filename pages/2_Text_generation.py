"""Lesson: text generation with a recurrent language model (one-to-many, sampled token by token)."""
from __future__ import annotations

import streamlit as st

from rnn import diagrams, plots
from rnn.lessons import textgen as lesson
from rnn.lessons.common import a_cell
from rnn.models.config import ModelConfig
from rnn.plots.textgen_page import unit_text_figure
from rnn.train.config import TrainConfig
from rnn.ui import engine_errors, show_diagram, show_figure
from rnn.ui.kit import lesson_markdown, task_page
from rnn.ui.widgets import URL

page = task_page("textgen", prefix="tg",
                 header="Text generation: a language model writes",
                 model=ModelConfig(arch="lstm", hidden=128, level="char"),
                 train=TrainConfig(seconds=60), relevant=lesson.COMPARED_FIELDS)
exp = page.exp
dataset = getattr(exp, "dataset", "")
page.keep({"tg_prime": lesson.PRIME.get(dataset, ""), "tg_temperature": 1.0, "tg_greedy": False,
           "tg_top_k": 0, "tg_top_p": 1.0, "tg_length": 120, "tg_seed": 0, "tg_n_samples": 3,
           "textgen_feature": next(iter(lesson.FEATURES)),
           "textgen_inspect_text": lesson.INSPECT_TEXT.get(dataset, lesson.INSPECT_TEXT["prose"])})

with page.learn:
    if page.learn.open:
        left, right = st.columns([3, 2])
        with left:
            lesson_markdown("textgen_intro")
        with right:
            show_diagram(diagrams.taxonomy_svg("one-to-many"))
        lesson_markdown("textgen_sampling")
        page.challenges()

with page.train:
    if page.train.open:
        article, name = a_cell(page.model_cfg.arch).split(" ", 1)
        st.markdown(f"Train {article} **{name}** on **{page.source['name']}** "
                    f"({page.model_cfg.level} level). The dotted line is the uniform guess, ln |V|.")
        data = page.source["data"]
        vocab = lesson.vocab_size(data.train, page.model_cfg.level) if isinstance(data.train, str) else None
        page.train_panel("perplexity", vocab_size=vocab)

with page.try_:
    if page.try_.open and not page.no_model():
        c1, c2, c3 = st.columns(3)
        with c1:
            prime = page.text_box("Priming text (the model continues it)", "tg_prime")
        temperature = c2.slider("Temperature T", 0.1, 3.0, step=0.1, key="tg_temperature", bind=URL)
        greedy = c3.toggle("Greedy (always the most likely)", key="tg_greedy", bind=URL)
        c1, c2, c3, c4 = st.columns(4)
        top_k = c1.number_input("Top-k (0 = all)", 0, 500, key="tg_top_k", bind=URL)
        top_p = c2.slider("Top-p", 0.05, 1.0, step=0.05, key="tg_top_p", bind=URL)
        length = c3.slider("Max length (tokens)", 10, 500, step=10, key="tg_length", bind=URL)
        seed = c4.number_input("Seed", 0, 1_000_000, key="tg_seed", bind=URL)
        c1, c2 = st.columns([1, 2])
        n = c1.radio("Samples", (1, 3, 5), horizontal=True, key="tg_n_samples", bind=URL)
        stop = exp.options.get("stop")
        if stop and not c2.toggle("Stop at the end of a line (one name per sample)", True,
                                  key="tg_stop", bind=URL):
            stop = None
        with engine_errors():
            results = lesson.sample_many(exp, prime, n, seed, temperature=temperature, stop=stop,
                                         greedy=greedy, top_k=top_k, top_p=top_p, length=length)
            if results[0]["unknown_prime"]:
                st.warning("Not in this model's vocabulary (read as `<unk>`): " + ", ".join(
                    sorted({lesson.visible(u) for u in results[0]["unknown_prime"]})[:20]))
            short = all(len(r["text"]) < 60 for r in results)     # names fit side by side
            cols = st.columns(len(results)) if short else [st.container()] * len(results)
            for i, (res, col) in enumerate(zip(results, cols)):
                col.caption(lesson.sample_caption(res, i, seed, stop, length))
                col.code(lesson.continued(prime, res), language=None, wrap_lines=True)
            steps = results[0]["steps"]
            if steps:
                st.subheader("Inside sample 1: what could have come next")
                st.session_state["tg_step"] = min(st.session_state.get("tg_step", 1), len(steps))
                k = st.slider("Step", 1, len(steps), key="tg_step") if len(steps) > 1 else 1
                st.markdown(lesson.step_sentence(results[0], k - 1))
                step = steps[k - 1]
                # top-k / top-p set the rest to probability 0: those could not have come next
                top = lesson.possible_next(step["top"])
                show_figure(plots.topk_bars(top, chosen=step["token"],
                                            title=f"Sampling distribution at step {k} "
                                                  "(orange: the token drawn)"), key="tg_topk")
                if len(top) < len(step["top"]):
                    st.caption(f"Only {len(top)} token{'s' if len(top) != 1 else ''} could be drawn "
                               "here: top-k and top-p gave every other token probability 0.")
                elif step["token"] not in [t for t, _ in top]:
                    st.caption(f"The drawn token was not among the {len(top)} most likely: "
                               "sampling sometimes picks from the long tail.")

with page.inspect:
    if page.inspect.open and not page.no_model():
        text = page.text_box("Text to read through the model", "textgen_inspect_text", area=True)
        with engine_errors():
            trace = exp.trace(text)
            view = lesson.trace_view(trace, 0)
            arrays = view["arrays"]
            states = arrays.get("c", arrays["h"])
            st.subheader("Find a unit that tracks something")
            c1, c2 = st.columns([2, 3])
            feature = c1.selectbox("Feature", list(lesson.FEATURES), key="textgen_feature", bind=URL,
                                   help="\n\n".join(f"**{k}**: {v}" for k, v in lesson.FEATURES.items()))
            unit, r = lesson.best_unit(states, lesson.feature_series(view["tokens"], feature))
            which = "cell state c⟨t⟩" if "c" in arrays else "hidden state a⟨t⟩"
            if unit < 0:
                c2.info("This text has nothing to track for that feature (it never changes).")
            else:
                c2.markdown(f"Unit **{unit}** of the {which} (layer 1) follows *{feature}* most "
                            f"closely (correlation r = {r:+.2f}).")
                show_figure(unit_text_figure(view["labels"], states[:, unit],
                                             title=f"{which}, unit {unit}: red = high, blue = low"),
                            key="tg_unit")
            page.inspect_states({**trace, "tokens": [lesson.visible(t) for t in trace["tokens"]]},
                                unit="character" if exp.model_config.level == "char" else "word",
                                max_tokens=lesson.MAX_INSPECT_TOKENS)

with page.compare:
    if page.compare.open:
        page.shipped_long()
        st.subheader("Race them yourself: which reaches the lowest validation loss?")
        page.compare_cells("perplexity")
