"""Lab: gradient flow through time. Vanishing and exploding gradients, W_aa's eigenvalues, clipping."""
import streamlit as st

from rnn import plots
from rnn.lessons import gradflow_lab as lab
from rnn.plots.labs import radius_sweep_figure
from rnn.ui import engine_errors, show_figure, show_table
from rnn.ui.kit import lab_page, lesson_markdown
from rnn.ui.widgets import URL
from rnn.ui import gradflow as gradflow_ui

page = lab_page("gradflow", prefix="grad")
settings, arch, budget = gradflow_ui.sidebar()
T, seed = settings.T, settings.seed


@st.cache_data(max_entries=64, show_spinner=False)
def curves(s: lab.LabSettings, trained_steps: int = 0):
    return lab.gradient_curves(s, trained_steps)


@st.cache_data(max_entries=64, show_spinner=False)
def rnn_view(s: lab.LabSettings):
    return lab.rnn_beta(s), lab.rnn_spectrum(s), lab.radius_sweep(s, lab.SWEEP_RADII)


def flow_chart(data, key: str, title: str | None = None) -> None:
    beta = rnn_view(settings)[0]
    fig = plots.grad_flow_figure(data, beta={"RNN": beta}, **({"title": title} if title else {}))
    show_figure(fig, key=key)
    show_table(lab.decay_table(data), formats={lab.RATIO: ".2e"})


page.open("Gradient flow: why long memories are hard to learn")
learn, train, try_, inspect, compare = page.tabs

with learn:
    st.subheader(f"The error is made at step {T}. Does its gradient still reach step 1?")
    with engine_errors():
        flow_chart(curves(settings), "grad_fig_learn")
    st.caption(lab.LEARN_CAPTION)
    lesson_markdown("gradflow_learn")
    page.challenges()

with train:
    st.markdown(lab.train_sentence(arch, settings.kind, T, budget))
    signature = (settings, arch, tuple(sorted(budget.items(), key=lambda kv: kv[0])))
    if st.button("Train", type="primary", key="grad_train", icon=":material/play_arrow:"):
        bar = st.progress(0.0, text="training…")
        with engine_errors():
            run = page.gated(lambda: lab.run_training(settings.model(arch), budget, seed=seed,
                                                 progress=lambda f: bar.progress(min(f, 1.0))))
            if run is not None:
                st.session_state["grad_run"] = (signature, run)
        bar.empty()
    saved = st.session_state.get("grad_run")
    if saved is None or saved[0] != signature:
        st.caption("Press **Train**: a few seconds at most. Change any setting and train again "
                   "to compare.")
    else:
        gradflow_ui.show_run(saved[1], settings, budget)

with try_:
    st.markdown(lab.TRY_INTRO)
    with engine_errors():
        beta, spec, sweep = rnn_view(settings)
        left, right = st.columns(2)
        with left:
            show_figure(plots.eigenvalue_figure({"W_aa": spec["eigenvalues"]}), key="grad_fig_eig")
        with right:
            show_figure(radius_sweep_figure(lab.SWEEP_RADII, sweep, T, current=spec["radius"]),
                        key="grad_fig_sweep")
        st.caption(lab.spectrum_caption(spec))
        rnn_only = {"RNN": curves(settings)["RNN"]}
        show_figure(plots.grad_flow_figure(rnn_only, beta={"RNN": beta},
                                           title="The RNN's ‖∂L/∂a⟨t⟩‖ under its bound"),
                    key="grad_fig_rnn")

with inspect:
    st.markdown(lab.INSPECT_INTRO)
    after = st.segmented_control("Measure after", (0, 100, 300), default=0, key="grad_after", bind=URL,
                                 format_func=lambda n: "initialisation" if n == 0 else
                                 f"{n} training steps") or 0
    with engine_errors():
        data = curves(settings, after) if after == 0 or st.session_state.get(
            f"grad_measured:{settings}:{after}") else None
        if data is None and st.button(f"Train each cell for {after} steps and measure",
                                      key="grad_measure", icon=":material/play_arrow:"):
            with st.spinner("Training RNN, GRU and LSTM…"):
                data = page.gated(lambda: curves(settings, after))
            if data is not None:
                st.session_state[f"grad_measured:{settings}:{after}"] = True
        if data is not None:
            flow_chart(data, "grad_fig_inspect",
                       title=f"‖∂L/∂a⟨t⟩‖ after {after} steps" if after else None)

with compare:
    st.markdown(f"Held-out accuracy after the same budget ({lab.BUDGET['steps']} Adam steps, "
                f"learning rate {lab.BUDGET['lr']:g}, clipping at {lab.BUDGET['clip']:g}) for "
                f"each dependency length T. “Solved” means at least {lab.SOLVED:.0%} accuracy.")
    gradflow_ui.sweep_panel(settings, key=f"grad_sweep:{settings}", button_key="grad_sweep_btn",
                            primary=True)
