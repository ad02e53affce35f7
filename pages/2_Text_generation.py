"""Lesson: text generation with a recurrent language model (one-to-many, sampled token by token)."""
from __future__ import annotations

import streamlit as st

from rnn import plots
from rnn.lessons import textgen as lesson
from rnn.models.config import ModelConfig
from rnn.plots.textgen_page import unit_text_figure
from rnn.pretrained import pretrained_name
from rnn.train.trainer import TrainConfig
from rnn.ui import (architecture_sidebar, compare_panel, engine_errors, lesson_tabs, setup_page,
                    show_figure, training_panel, training_sidebar, ui_settings)
from rnn.ui.task_page import active_experiment, data_sidebar, make_factory

setup_page("Text generation", ":material/edit_note:")

TASK, EXP_KEY = "textgen", "textgen_exp"
model_cfg = architecture_sidebar(TASK, ModelConfig(arch="lstm", hidden=128, level="char"))
train_cfg = training_sidebar(TrainConfig(seconds=60), task=TASK)
source = data_sidebar(TASK)
make = make_factory(TASK, model_cfg, train_cfg, source)
signature = repr((model_cfg, train_cfg, source["name"]))
exp, model_label = active_experiment(EXP_KEY, pretrained_name(TASK, model_cfg.arch))
max_chars = ui_settings().max_text_chars

st.header("Text generation: a language model writes", divider="gray")
st.caption(f"Try and Inspect use {model_label}.")
if exp is not None and (exp.dataset != source["name"] or exp.model_config.level != model_cfg.level):
    st.info(f"This model was trained on **{exp.dataset}** ({exp.model_config.level} level). "
            "For your sidebar choice, train your own in the **Train** tab.", icon=":material/info:")
learn, train, try_, inspect, compare = lesson_tabs()


def keep(defaults: dict) -> None:
    """Give widgets their first value through session_state and keep it while their tab is
    closed (Streamlit forgets the state of widgets that were not drawn in a run)."""
    for key, value in defaults.items():
        st.session_state[key] = st.session_state.get(key, value)


keep({"tg_prime": lesson.PRIME.get(getattr(exp, "dataset", ""), ""), "tg_temperature": 1.0,
      "tg_greedy": False, "tg_top_k": 0, "tg_top_p": 1.0, "tg_length": 120, "tg_seed": 0,
      "tg_n_samples": 3, "tg_feature": next(iter(lesson.FEATURES)),
      "textgen_inspect_text": lesson.INSPECT_TEXT.get(getattr(exp, "dataset", ""),
                                                       lesson.INSPECT_TEXT["prose"])})


def apply_challenge(settings: dict) -> None:
    """A Learn-tab button: set the Try widgets for an experiment, then open Try."""
    for name, value in settings.items():
        st.session_state[f"tg_{name}"] = value
    st.session_state["tab"] = "Try"


with learn:
    if learn.open:
        left, right = st.columns([3, 2])
        with left:
            st.markdown("A **language model** reads text one token (a character or a word) at a "
                        "time and, after each one, gives a probability for **every** possible next "
                        "token. To write, it picks a token, feeds it back in, and repeats.")
            st.latex(r"e^{(t)} = E\,x^{(t)} \qquad h^{(t)} = \sigma\!\left(W_h h^{(t-1)} + "
                     r"W_e e^{(t)} + b_1\right) \qquad \hat y^{(t)} = \mathrm{softmax}"
                     r"\!\left(U h^{(t)} + b_2\right) \in \mathbb{R}^{|V|}")
            st.markdown("GRU and LSTM replace the σ line with their gated update; the rest is "
                        "the same. The loss is the cross-entropy of the true next token, averaged "
                        "over all T steps, and **perplexity** is its exponential:")
            st.latex(r"J = -\frac{1}{T}\sum_{t=1}^{T}\log \hat y^{(t)}_{x^{(t+1)}}"
                     r"\qquad \text{perplexity} = e^{J}")
            st.markdown("A model that guesses uniformly has J = ln |V|: the dotted line on the "
                        "Train chart. Below it, the model has learnt something.")
        with right:
            show_figure(plots.taxonomy_figure("one-to-many"), key="tg_taxonomy")
        st.subheader("Training: teacher forcing")
        st.markdown("While training, the input at step t+1 is always the **true** token x⁽ᵗ⁺¹⁾, "
                    "never the model's own guess: every step gets a fair question, and all steps "
                    "of a window are scored in one pass.")
        st.subheader("Writing: how the next token is chosen")
        st.markdown(
            "- **Temperature T**: divide the scores by T before the softmax. T < 1 sharpens "
            "(safe, repetitive), T > 1 flattens (surprising, then nonsense).\n"
            "- **Top-k**: keep only the k most likely tokens, then draw.\n"
            "- **Top-p** (nucleus): keep the fewest tokens whose probabilities add up to p.\n"
            "- **Greedy**: always take the most likely token; no randomness at all.")
        st.latex(r"p_i = \frac{\exp(z_i / T)}{\sum_j \exp(z_j / T)}")
        st.subheader("Experiments: answer first, then click")
        for i, ch in enumerate(lesson.CHALLENGES):
            c1, c2 = st.columns([4, 1])
            c1.markdown(f"**{i + 1}. {ch.question}**")
            c2.button("Try it", key=f"tg_challenge_{i}", on_click=apply_challenge,
                      args=(ch.settings,), icon=":material/science:")
            with c1.expander("What to look for"):
                st.write(ch.hint)

with train:
    if train.open:
        st.markdown(f"Train a **{model_cfg.arch.upper()}** on **{source['name']}** "
                    f"({model_cfg.level} level). The dotted line is the uniform guess, ln |V|.")
        data = source["data"]
        vocab = lesson.vocab_size(data.train, model_cfg.level) if isinstance(data.train, str) else None
        training_panel(EXP_KEY, make, "perplexity", signature=signature, vocab_size=vocab)

with try_:
    if try_.open:
        if exp is None:
            st.info("No model yet: train one in the **Train** tab.")
        else:
            stop = exp.options.get("stop")
            c1, c2, c3 = st.columns(3)
            prime_raw = c1.text_input("Priming text (the model continues it)", key="tg_prime",
                                      max_chars=max_chars)
            temperature = c2.slider("Temperature T", 0.1, 3.0, step=0.1,
                                    key="tg_temperature")
            greedy = c3.toggle("Greedy (always the most likely)", key="tg_greedy")
            c1, c2, c3, c4 = st.columns(4)
            top_k = c1.number_input("Top-k (0 = all)", 0, 500, key="tg_top_k")
            top_p = c2.slider("Top-p", 0.05, 1.0, step=0.05, key="tg_top_p")
            length = c3.slider("Max length (tokens)", 10, 500, step=10, key="tg_length")
            seed = c4.number_input("Seed", 0, 1_000_000, key="tg_seed")
            n = st.radio("Samples", (1, 3, 5), horizontal=True, key="tg_n_samples")
            prime, notes = lesson.clean_text(prime_raw, max_chars)
            for note in notes:
                st.warning(note)
            with engine_errors():
                results = lesson.sample_many(exp, prime, n, seed, temperature=temperature,
                                             greedy=greedy, top_k=top_k, top_p=top_p, length=length)
                unknown = results[0]["unknown_prime"]
                if unknown:
                    st.warning("Not in this model's vocabulary (read as unknown): "
                               + ", ".join(sorted({lesson.visible(u) for u in unknown})[:20]))
                short = all(len(r["text"]) < 60 for r in results)     # names fit side by side
                cols = st.columns(len(results)) if short else [st.container()] * len(results)
                for i, (res, col) in enumerate(zip(results, cols)):
                    ended = (" · ended at a newline ⏎ (one name per line)"
                             if lesson.stopped_early(res, stop, length) else "")
                    col.caption(f"Sample {i + 1} (seed {seed + i}){ended}")
                    col.code(prime + res["text"], language=None, wrap_lines=True)
                steps = results[0]["steps"]
                if steps:
                    st.subheader("Inside sample 1: what could have come next")
                    st.session_state["tg_step"] = min(st.session_state.get("tg_step", 1), len(steps))
                    k = st.slider("Step", 1, len(steps), key="tg_step") if len(steps) > 1 else 1
                    step = steps[k - 1]
                    st.markdown(f"After `{lesson.step_context(results[0], k - 1)}` the model chose "
                                f"**{lesson.visible(step['token'])}** (its probability before "
                                f"temperature and filtering: {step['prob']:.2f}).")
                    show_figure(plots.topk_bars(step["top"], chosen=step["token"],
                                                title=f"Sampling distribution at step {k} "
                                                      "(orange: the token drawn)"),
                                key="tg_topk")
                    if step["token"] not in [t for t, _ in step["top"]]:
                        st.caption(f"The drawn token was not among the {len(step['top'])} most "
                                   "likely: sampling sometimes picks from the long tail.")

with inspect:
    if inspect.open:
        if exp is None:
            st.info("No model yet: train one in the **Train** tab.")
        else:
            raw = st.text_area("Text to read through the model", key="textgen_inspect_text",
                               height=120, max_chars=max_chars)
            text, notes = lesson.clean_text(raw, max_chars)
            for note in notes:
                st.warning(note)
            with engine_errors():
                trace = exp.trace(text)
                layer = 0
                if len(trace["layers"]) > 1:
                    layer = st.radio("Layer", range(len(trace["layers"])), horizontal=True,
                                     key=f"{TASK}_layer", format_func=lambda i: f"layer {i + 1}")
                view = lesson.trace_view(trace, layer)
                if view["cut"]:
                    st.caption(f"Showing the first {len(view['tokens'])} of {view['total']} tokens.")
                arrays = view["arrays"]
                states = arrays.get("c", arrays["h"])
                st.subheader("Find a unit that tracks something")
                c1, c2 = st.columns([2, 3])
                feature = c1.selectbox("Feature", list(lesson.FEATURES), key=f"{TASK}_feature",
                                       help="\n\n".join(f"**{k}**: {v}" for k, v in lesson.FEATURES.items()))
                unit, r = lesson.best_unit(states, lesson.feature_series(view["tokens"], feature))
                which = "cell state c" if "c" in arrays else "hidden state h"
                if unit < 0:
                    c2.info("This text has nothing to track for that feature (it never changes).")
                else:
                    c2.markdown(f"Unit **{unit}** of the {which} follows *{feature}* most closely "
                                f"(correlation r = {r:+.2f}).")
                    show_figure(unit_text_figure(view["labels"], states[:, unit],
                                                 title=f"{which}, unit {unit}: red = high, blue = low"),
                                key="tg_unit")
                show_figure(plots.state_heatmap(arrays["h"], view["labels"], "h",
                                                title="Hidden state h at each character"),
                            key="tg_h")
                if "c" in arrays:
                    show_figure(plots.state_heatmap(arrays["c"], view["labels"], "c",
                                                    title="LSTM cell state c: the long-term memory"),
                                key="tg_c")
                gates = {k: v for k, v in arrays.items() if k in ("i", "f", "o", "r", "z")}
                if gates:
                    show_figure(plots.gates_heatmap(gates, view["labels"]), key="tg_gates")
                else:
                    st.caption("A vanilla RNN has no gates: pick GRU or LSTM to see them.")

with compare:
    if compare.open:
        st.markdown("Vanilla RNN, GRU and LSTM, one after the other, on the same text, seed and "
                    "time budget. Which reaches the lowest validation loss?")
        compare_panel(f"{TASK}_cmp", lambda arch: make_factory(
            TASK, ModelConfig.from_dict({**model_cfg.to_dict(), "arch": arch}), train_cfg, source)(),
            "perplexity", signature=signature)
