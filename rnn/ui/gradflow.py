"""The gradient-flow lab's own controls: its sidebar (the memory task, the RNN's W_aa, the keep
gates, the training budget) and the display of one training run. Layout only; the lab's numbers
come from rnn/lessons/gradflow_lab.py.
"""
from __future__ import annotations

import streamlit as st

from rnn import plots
from rnn.lessons import gradflow_lab as lab
from rnn.ui.setup import show_figure
from rnn.ui.tables import show_table
from rnn.ui.widgets import URL


def sidebar() -> tuple:
    """The lab's sidebar -> (LabSettings, cell, training budget dict)."""
    with st.sidebar:
        st.header("Task")
        kind = st.radio("What the net must do at the last step", list(lab.KINDS), key="grad_kind",
                        format_func=lab.KINDS.get, bind=URL)
        T = st.slider("Dependency length T (steps)", 5, 100, 50, 5, key="grad_T", bind=URL,
                      help="The information enters at the start; the loss is at step T.")
        st.header("Recurrent weights")
        radius = st.select_slider("Spectral radius of the RNN's W_aa", lab.RADII, value="init",
                                  key="grad_radius", bind=URL,
                                  format_func=lambda r: "torch's init (≈0.6)" if r == "init" else r)
        act = st.radio("RNN activation g", ("tanh", "relu"), horizontal=True, key="grad_act", bind=URL)
        fb = st.radio("Keep-gate bias (LSTM b_f, GRU b_z)", ("init", "1", "3"), index=2,
                      horizontal=True, key="grad_fb", bind=URL,
                      format_func=lambda v: "torch's init" if v == "init" else v,
                      help="Starts the gate that keeps the state near 'keep': the LSTM's forget "
                           "gate Γ_f, the GRU's z = 1 − Γ_u. σ(3) ≈ 0.95.")
        st.header("Training (Train tab)")
        arch = st.radio("Cell", lab.CELLS, horizontal=True, key="grad_arch", bind=URL,
                        format_func=lab.LABELS.get)
        optimizer = st.radio("Optimizer", ("sgd", "adam"), horizontal=True, key="grad_opt", bind=URL,
                             help="SGD (momentum 0.9) steps in proportion to the gradient, so an "
                                  "exploding gradient means an exploding step. Adam divides by the "
                                  "gradient's running size, which hides much of it.")
        lr = st.select_slider("Learning rate", (0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3), 0.05,
                              key="grad_lr", bind=URL)
        steps = st.select_slider("Steps", (100, 200, 300, 500, 1000), 300, key="grad_steps", bind=URL)
        clip_on = st.toggle("Clip gradients", True, key="grad_clip_on", bind=URL)
        threshold = st.select_slider("Clip threshold (max ‖gradient‖)",
                                     (0.1, 0.25, 0.5, 1.0, 2.0, 5.0), 1.0, key="grad_clip",
                                     bind=URL, disabled=not clip_on)
        seed = int(st.number_input("Random seed", 0, 1_000_000, 0, key="grad_seed", bind=URL))
    settings = lab.LabSettings(kind, T, None if radius == "init" else float(radius), act,
                               None if fb == "init" else float(fb), seed=seed)
    budget = {"steps": steps, "lr": lr, "clip": threshold if clip_on else None,
              "optimizer": optimizer, "batch_size": 32}
    return settings, arch, budget


def show_run(run: dict, settings, budget: dict) -> None:
    """One training run: the diverged message, four figures of merit, gradient norms and loss."""
    clip = budget["clip"]
    summary = lab.run_summary(run, clip)
    if run["diverged"]:
        st.error(f"**Training diverged:** {run['reason']}. {lab.DIVERGED}", icon=":material/error:")
    cols = st.columns(4)
    cols[0].metric("steps trained", summary["steps"])
    cols[1].metric("steps clipped", summary["clipped"] if clip else "clipping off")
    cols[2].metric("largest ‖gradient‖", f"{summary['largest norm']:.3g}")
    cols[3].metric("held-out accuracy", f"{summary['accuracy']:.0%}",
                   help=f"chance is {settings.task().chance:.0%}")
    left, right = st.columns(2)
    with left:
        show_figure(plots.grad_norm_figure(run["records"], clip=clip), key="grad_fig_norm")
    with right:
        show_figure(plots.grad_norm_histogram(run["records"], clip=clip), key="grad_fig_hist")
    loss_fig = plots.loss_figure(run["records"], title="Training loss (spikes = explosions)")
    loss_fig.update_yaxes(type="log", title_text="loss (log scale)")
    show_figure(loss_fig, key="grad_fig_loss")


@st.cache_data(max_entries=512, show_spinner=False)
def accuracy_cell(s: lab.LabSettings, arch: str, T: int) -> float:
    """One cell of the accuracy-vs-T sweep, cached per server: both pages that show the sweep
    (Gradient flow and Memory and gates) share these trainings."""
    return lab.accuracy_at(s, arch, T)


def sweep_panel(settings: lab.LabSettings, key: str, button_key: str, primary: bool = False) -> None:
    """The sweep's button (``button_key``), its progress bar, the trainings (in a lab slot) and the
    result, kept in session_state under ``key`` so a rerun shows it again."""
    from rnn.ui.errors import engine_errors
    from rnn.ui.kit import run_in_gate

    if st.button("Run the sweep (21 short trainings)", type="primary" if primary else "secondary",
                 key=button_key, icon=":material/play_arrow:"):
        bar = st.progress(0.0, text="training…")

        def progress(i, n, arch, T):
            bar.progress(i / n, text=f"{lab.LABELS[arch]}, T = {T}")

        with engine_errors():
            result = run_in_gate(lambda: lab.accuracy_sweep(settings, accuracy_cell, progress),
                                 "gradflow")
            if result is not None:
                st.session_state[key] = result
        bar.empty()
    if st.session_state.get(key):
        show_sweep(st.session_state[key], settings.task().chance)
    else:
        st.caption(lab.SWEEP_NOTE)


def show_sweep(results: dict, chance: float) -> None:
    show_figure(plots.accuracy_vs_length_figure(results, chance=chance), key="grad_fig_acc")
    solved = lab.largest_solved(results)
    show_table([{"cell": k, "largest T solved": v if v else "none"} for k, v in solved.items()])
