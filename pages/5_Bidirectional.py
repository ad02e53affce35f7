"""Lab: bidirectional vs unidirectional. The same tagger read left to right only, or both ways."""
import streamlit as st

from rnn import plots
from rnn.data import MINIMAL_PAIRS
from rnn.experiment import Experiment
from rnn.lessons import bidirectional as lab
from rnn.plots.labs import direction_difference_figure, group_accuracy_figure
from rnn.ui import compare_panel, engine_errors, show_figure, show_table
from rnn.ui.kit import lab_page, lesson_markdown
from rnn.ui.widgets import URL
from rnn.ui.lab_models import active_pair, test_metrics, usual_sense
from rnn.ui.task_page import data_args, data_sidebar

page = lab_page("bidirectional", prefix="bidir")
KEY = "bidir_pair"                       # where compare_panel keeps the session's two models
PAIR_NAMES = lab.pair_names(MINIMAL_PAIRS)
model_cfg, train_cfg = page.model_sidebar(
    {"arch": "lstm", "hidden": 64, "embed": 32}, {"seconds": 20, "lr": 3e-3, "clip": 1.0},
    note="This lab always builds both: one reading left to right, one reading both ways. The "
         "*Bidirectional* switch above is not used here.")
source = data_sidebar("ner")
pair, pair_label = active_pair(KEY)
page.open("Bidirectional: reading the sentence both ways")
learn, train, try_, inspect, compare = page.tabs

with learn:
    st.subheader("Is “Teddy” part of a name? It depends on the next word.")
    if pair is not None:
        with engine_errors():
            for col, text in zip(st.columns(2), MINIMAL_PAIRS[0]):
                view = lab.compare_sentence(pair["unidirectional"], pair["bidirectional"], text)
                i = view["focus"]
                col.markdown(f"**{text}**  \nP(“{view['tokens'][i]}” is part of a name):")
                a, b = col.columns(2)
                a.metric("left-to-right", f"{view['uni'][i]:.2f}")
                b.metric("bidirectional", f"{view['bi'][i]:.2f}")
        st.caption(f"Measured live with {pair_label}.")
    lesson_markdown("bidirectional_learn")
    page.challenges()

with train:
    st.markdown("Train a **left-to-right** and a **bidirectional** tagger with the sidebar's "
                "settings, one after the other: same cell, size, data, seed and budget. The "
                "second chart is the accuracy on the ambiguous words of the validation set.")
    compare_panel(KEY, lambda label: Experiment.create("ner", lab.config_for(label, model_cfg),
                                                       train_cfg, **data_args(source)),
                  "accuracy_ambiguous", archs=lab.LABELS,
                  signature=repr((model_cfg, train_cfg, source["name"])))

with try_:
    st.caption(f"Using {pair_label}.")
    choice = st.selectbox("A minimal pair (same first words, different meaning)", PAIR_NAMES,
                          key="bidir_try_pair", bind=URL)
    first, second = MINIMAL_PAIRS[PAIR_NAMES.index(choice)]
    with st.expander("…or type your own two sentences"):
        own1 = st.text_input("Sentence A", "", key="bidir_own1", bind=URL, placeholder=first)
        own2 = st.text_input("Sentence B", "", key="bidir_own2", bind=URL, placeholder=second)
    texts = [page.capped(own1) if own1 else first, page.capped(own2) if own2 else second]
    if pair is not None:
        rows = []
        for col, text, name in zip(st.columns(2), texts, ("A", "B")):
            with col, engine_errors():
                view = lab.compare_sentence(pair["unidirectional"], pair["bidirectional"], text)
                if len(view["tokens"]) > 1:
                    view["focus"] = st.select_slider(
                        f"Word to look at in {name}", list(range(len(view["tokens"]))),
                        value=view["focus"], key=f"bidir_focus_{name}_{hash(text)}",
                        format_func=lambda i, v=view: v["tokens"][i])
                show_figure(plots.uni_vs_bi_figure(view["tokens"], view["uni"], view["bi"],
                                                   view["focus"],
                                                   title=f"Sentence {name}: P(part of a name)"),
                            key=f"bidir_fig_{name}")
                rows.append(lab.focus_row(text, view))
        if rows:
            show_table(rows)

with inspect:
    st.markdown(lab.INSPECT_INTRO)
    choice = st.selectbox("Minimal pair", PAIR_NAMES, key="bidir_inspect_pair", bind=URL)
    first, second = MINIMAL_PAIRS[PAIR_NAMES.index(choice)]
    if pair is not None:
        with engine_errors():
            bi = pair["bidirectional"]
            ta, tb = bi.trace(first), bi.trace(second)
            show_figure(direction_difference_figure(lab.direction_differences(ta, tb)),
                        key="bidir_fig_diff")
            for col, direction, name in zip(st.columns(2), (0, 1), ("forward a→", "backward a←")):
                with col:
                    show_figure(plots.state_heatmap(ta["layers"][0][direction]["h"], ta["tokens"],
                                                    title=f"{name} states a⟨t⟩ for “{first}”"),
                                key=f"bidir_fig_h{direction}")
            gates = lab.forward_gates(ta, bi.model_config.arch)
            if gates:
                with st.expander("Gates and cell state (forward direction)"):
                    show_figure(plots.gates_heatmap(gates, ta["tokens"]), key="bidir_fig_gates")

with compare:
    st.markdown(lab.COMPARE_INTRO)
    results, usual = {}, None
    with engine_errors():
        for label, name in lab.PRETRAINED.items():
            results[f"pretrained {label} ({name})"] = test_metrics(name)
        usual = usual_sense("names")
    own = {label: st.session_state.get(f"{KEY}:{label}") for label in lab.LABELS}
    if all(e is not None and e.status in ("done", "diverged") for e in own.values()):
        with engine_errors():
            memo = st.session_state.setdefault("_bidir_test", {})
            for label, exp in own.items():
                stamp = (id(exp), len(exp.history))
                if memo.get(label, (None,))[0] != stamp:
                    memo[label] = (stamp, exp.evaluate("test"))
                results[f"your {label}"] = memo[label][1]
    rows = lab.group_accuracy_rows(results)
    show_figure(group_accuracy_figure(rows, lab.GROUPS, usual_sense=usual), key="bidir_fig_groups")
    if rows:
        show_table(rows, formats={k: ".1%" for k in lab.GROUPS})
    st.caption(lab.USUAL_SENSE_NOTE)
