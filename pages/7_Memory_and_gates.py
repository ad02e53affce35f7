"""Lesson: memory and gates. Subject-verb agreement across a gap: why GRU and LSTM earn their place."""
import dataclasses

import streamlit as st

from rnn.experiment import Experiment
from rnn.lessons import gates as lesson
from rnn.lessons import gates_learn, gradflow_lab
from rnn.lessons.common import a_cell
from rnn.models.config import ModelConfig
from rnn.plots.gates import (gap_accuracy_figure, plural_after_each_word, unit_scores_figure,
                             unit_story_figure)
from rnn.train.config import TrainConfig
from rnn.ui import compare_panel, engine_errors, show_figure, show_table, training_panel
from rnn.ui import gradflow as gradflow_ui
from rnn.ui.kit import apply_challenge, lab_page
from rnn.ui.lab_models import (depth_table, overwrite_results, shipped_curves, shipped_gate_roles,
                                shipped_memory_unit)
from rnn.ui.task_page import builtin_data

TASK, EXP_KEY = "agreement", "agreement_exp"
page = lab_page("gates", prefix=TASK)
model_cfg, train_cfg = page.model_sidebar(ModelConfig(arch="lstm", hidden=64, embed=32),
                                          TrainConfig(seconds=90, steps=1500))
dataset = st.sidebar.radio("Data", lesson.DATASETS, key="agreement_dataset", horizontal=True,
                           bind="query-params",
                           help="long: one subject, trained on gaps 0–50, scored on 20–50. short: "
                                "gaps 0–5. overwrite: 1–3 subjects in a row, the verb of the last.")
data = builtin_data(TASK, dataset)


def new_experiment(arch: str | None = None):
    """A fresh experiment with the sidebar's settings (``arch``: the race's cell), on Start."""
    config = model_cfg if arch is None else dataclasses.replace(model_cfg, arch=arch)
    return Experiment.create(TASK, config, train_cfg, dataset=dataset, data=data)


signature = repr((model_cfg, train_cfg, dataset))
exp, model_label = page.model(EXP_KEY, lesson.pretrained_for(model_cfg, dataset))
page.keep({"agreement_text": lesson.DEFAULT_TEXT})
page.open("Memory and gates: carrying a word across a gap", caption=f"Try and Inspect use {model_label}.",
          notice=lesson.pretrained_notice(exp, st.session_state.get(EXP_KEY), model_cfg))
learn, train, try_, inspect, compare = page.tabs

with learn:
    if learn.open:
        st.markdown(lesson.INTRO + "\n\n" + lesson.TASK_TEXT)
        cell = st.radio("Equations of", ("gru", "lstm", "leaky", "rnn"), horizontal=True, key="agreement_eq",
                        format_func=lesson.LABELS.get)
        for row in gates_learn.equation_rows(cell):
            left, right = st.columns(2)
            left.latex(row["latex"])
            right.code(row["code"], language="python")
            right.caption(row["note"])
        st.info(lesson.PYTORCH_NAMES, icon=":material/translate:")
        st.markdown(lesson.REMEDIES)
        st.subheader("Gate calculator: one step, every gate")
        c1, c2, c3 = st.columns(3)
        calc = c1.radio("Cell", ("gru", "lstm", "rnn"), key="agreement_calc_cell",
                        format_func=lesson.LABELS.get, bind="query-params")
        units = c1.slider("Units in a⟨t⟩", 2, 4, 3, key="agreement_calc_units", bind="query-params")
        x = [c2.slider(f"x⟨t⟩[{k}]", -2.0, 2.0, v, 0.1, key=f"agreement_calc_x{k}", bind="query-params")
             for k, v in enumerate((1.0, -0.5))]
        a = [c3.slider(f"a⟨t−1⟩[{k}]", -1.0, 1.0, round(0.5 - 0.4 * k, 1), 0.1, key=f"agreement_calc_a{k}",
                       bind="query-params") for k in range(units)]
        with engine_errors():
            show_table(gates_learn.calculator_table(gates_learn.gate_calculator(calc, a, x)))
            st.caption(lesson.CALC_NOTE)
        st.markdown(lesson.DEPTH_TEXT)
        st.latex(lesson.DEPTH_EQUATION)
        st.markdown(lesson.DEPTH_AFTER)
        page.challenges()

with train:
    if train.open:
        article, _ = a_cell(model_cfg.arch).split(" ", 1)
        st.markdown(f"Train {article} **{lesson.LABELS[model_cfg.arch]}** on **{dataset}**. Accuracy: the share "
                    f"of validation verbs it gets right ({lesson.SCORED_ON[dataset]}).")
        training_panel(EXP_KEY, new_experiment, "accuracy", signature=signature)
        if (own := st.session_state.get(EXP_KEY)) is not None and own.status == "done":
            with engine_errors():
                mine = lesson.gap_curves({lesson.LABELS[own.model_config.arch]: own})
                show_figure(gap_accuracy_figure(mine, "Your model: accuracy against the gap"),
                            key="agreement_own")

with try_:
    if try_.open:
        cols = st.columns(len(lesson.EXAMPLES))
        for col, (label, text) in zip(cols, lesson.EXAMPLES.items()):
            col.button(label, key=f"agreement_ex_{label}", width="stretch", on_click=apply_challenge,
                       args=("Try", {"agreement_text": text}))
        text = st.text_input("A sentence (the model reads it up to the verb)", key="agreement_text",
                             max_chars=400)
        if exp is not None:
            with engine_errors():
                result = exp.predict(text)
                number, forms = lesson.verdict(result["prob"])
                st.metric("The verb should be", number, f"P(plural) = {result['prob']:.2f}: {forms}",
                          delta_arrow="off", delta_color="off", border=True)
                if unseen := [t for t, k in zip(result["tokens"], result["known"]) if not k]:
                    st.caption("Never seen in training (read as `<unk>`): " + ", ".join(dict.fromkeys(unseen)))
                if result["verb"]:
                    st.caption(f"You wrote “{result['verb']}”; the model read only the words before it.")
                show_figure(plural_after_each_word(result["tokens"], result["prob_after_each"]),
                            key="agreement_line")

with inspect:
    if inspect.open:
        st.markdown(lesson.INSPECT_TEXT)
        st.text_input("Sentence to look inside", key="agreement_text", max_chars=400)
        if exp is not None:
            with engine_errors():
                own = exp is st.session_state.get(EXP_KEY)
                found = (lesson.find_memory_unit(exp, exp.ensure_data().val[:400]) if own
                         else shipped_memory_unit(lesson.pretrained_for(model_cfg, dataset),
                                                  "overwrite" if dataset == "overwrite" else "long"))
                story = lesson.unit_story(exp, st.session_state["agreement_text"], found)
                st.markdown(lesson.unit_sentence(found, story))
                show_figure(unit_story_figure(story["tokens"], story["values"], story["gates"], found["unit"],
                                              lesson.STATE_NAMES[found["state"]]), key="agreement_story")
                st.caption("" if story["gates"] else "This cell has no gate: pick GRU or LSTM.")
                show_figure(unit_scores_figure(found["scores"], found["unit"]), key="agreement_scores")
                if exp.model_config.arch in ("gru", "lstm"):
                    st.markdown(lesson.GATES_TEXT)
                    data_name = exp.dataset if exp.dataset in lesson.DATASETS else "long"
                    roles = (lesson.gates_by_role(exp, exp.ensure_data().test[:300]) if own
                             else shipped_gate_roles(lesson.pretrained_for(model_cfg, dataset), data_name))
                    show_table(lesson.gate_role_rows(roles))
                    st.caption(f"Measured on 300 *{data_name}* test sentences. Pick *overwrite* in "
                               "the sidebar for several subjects per sentence.")

with compare:
    if compare.open:
        st.markdown(lesson.COMPARE_TEXT)
        with engine_errors():
            curves = shipped_curves()
            show_figure(gap_accuracy_figure(curves), key="agreement_fig_gap")
            st.caption(lesson.overlap_note(curves))
            show_table(lesson.summary_rows(curves))
        st.markdown(lesson.OVERWRITE_TEXT)
        with engine_errors():
            ow_curves, ow_subjects = overwrite_results()
            show_figure(gap_accuracy_figure(ow_curves, "Several subjects: accuracy against the gap "
                                            "after the last one"), key="agreement_fig_overwrite")
            st.caption(lesson.overlap_note(ow_curves))
            show_table(lesson.subject_rows(ow_subjects))
        st.subheader("The gradient over the gap")
        st.markdown(lesson.SWEEP_TEXT)
        gradflow_ui.sweep_panel(gradflow_lab.LabSettings(), key="agreement_sweep",
                                button_key="agreement_sweep_btn")
        st.subheader("Deep RNNs: 1, 2 and 3 stacked vanilla RNN layers")
        st.latex(lesson.DEPTH_EQUATION)
        st.markdown(f"**Predict first:** {lesson.DEPTH_CHALLENGE.question}")
        if st.toggle("Show the shipped stacked RNNs' result", key="agreement_depth"):
            with engine_errors():
                show_table(depth_table())
                st.caption(lesson.DEPTH_CHALLENGE.hint + lesson.DEPTH_OWN)
        st.subheader("Race them yourself")
        runs = compare_panel(f"{TASK}_cmp", new_experiment, "accuracy", archs=lesson.CELLS,
                             signature=signature)
        done = {lesson.LABELS[a]: e for a, e in runs.items() if e is not None and e.status == "done"}
        if done:
            show_figure(gap_accuracy_figure(lesson.gap_curves(done), "Your runs: accuracy against the gap"),
                        key="agreement_fig_race")
