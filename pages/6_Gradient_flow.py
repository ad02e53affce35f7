"""Lab: gradient flow through time. Vanishing and exploding gradients, W_hh's eigenvalues, clipping."""
import uuid

import pandas as pd
import streamlit as st

from rnn import plots
from rnn.lessons import gradflow_lab as lab
from rnn.plots.labs import radius_sweep_figure
from rnn.ui import engine_errors, lesson_tabs, setup_page, show_figure
from rnn.ui.gate import queue_message
from rnn.ui.live_training import training_gate

setup_page("Gradient flow", ":material/trending_down:")

URL = "query-params"
RADII = ("init", "0.5", "0.75", "0.9", "1.0", "1.1", "1.25", "1.5", "2.0", "3.0")
SWEEP_RADII = (0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0)
KINDS = {"recall": "recall the first symbol", "adding": "add the two marked numbers"}

with st.sidebar:
    st.header("Task")
    kind = st.radio("What the net must do at the last step", list(KINDS), key="grad_kind",
                    format_func=KINDS.get, bind=URL)
    T = st.slider("Dependency length T (steps)", 5, 100, 50, 5, key="grad_T", bind=URL,
                  help="The information enters at the start; the loss is at step T.")
    st.header("Recurrent weights")
    radius = st.select_slider("Spectral radius of the RNN's W_hh", RADII, value="init",
                              key="grad_radius", bind=URL,
                              format_func=lambda r: "torch's init (≈0.6)" if r == "init" else r)
    act = st.radio("RNN activation g", ("tanh", "relu"), horizontal=True, key="grad_act", bind=URL)
    fb = st.radio("Keep-gate bias (LSTM b_f, GRU b_z)", ("init", "1", "3"), index=2, horizontal=True,
                  key="grad_fb", bind=URL, format_func=lambda v: "torch's init" if v == "init" else v,
                  help="Starts the gate that keeps the state near 'keep': the LSTM's forget gate "
                       "Γ_f, the GRU's z = 1 − Γ_u. σ(3) ≈ 0.95.")
    st.header("Training (Train tab)")
    arch = st.radio("Cell", lab.ARCHS, horizontal=True, key="grad_arch", bind=URL,
                    format_func=lab.LABELS.get)
    optimizer = st.radio("Optimizer", ("sgd", "adam"), horizontal=True, key="grad_opt", bind=URL,
                         help="SGD (momentum 0.9) steps in proportion to the gradient, so an "
                              "exploding gradient means an exploding step. Adam divides by the "
                              "gradient's running size, which hides much of it.")
    lr = st.select_slider("Learning rate", (0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3), 0.05,
                          key="grad_lr", bind=URL)
    steps = st.select_slider("Steps", (100, 200, 300, 500, 1000), 300, key="grad_steps", bind=URL)
    clip_on = st.toggle("Clip gradients", True, key="grad_clip_on", bind=URL)
    threshold = st.select_slider("Clip threshold (max ‖gradient‖)", (0.1, 0.25, 0.5, 1.0, 2.0, 5.0),
                                 1.0, key="grad_clip", bind=URL, disabled=not clip_on)
    seed = int(st.number_input("Random seed", 0, 1_000_000, 0, key="grad_seed", bind=URL))

settings = lab.LabSettings(kind, T, None if radius == "init" else float(radius), act,
                           None if fb == "init" else float(fb), seed=seed)
budget = {"steps": steps, "lr": lr, "clip": threshold if clip_on else None,
          "optimizer": optimizer, "batch_size": 32}


@st.cache_data(max_entries=64, show_spinner=False)
def curves(s: lab.LabSettings, trained_steps: int = 0):
    return lab.gradient_curves(s, trained_steps)


@st.cache_data(max_entries=64, show_spinner=False)
def rnn_view(s: lab.LabSettings):
    return lab.rnn_beta(s), lab.rnn_spectrum(s), lab.radius_sweep(s, SWEEP_RADII)


@st.cache_data(max_entries=512, show_spinner=False)
def accuracy_cell(s: lab.LabSettings, arch_: str, T_: int) -> float:
    return lab.accuracy_at(s, arch_, T_)


def gated(work):
    """Run ``work()`` in a slot of the server's training gate (30 students share the CPU)."""
    gate = training_gate()
    ticket = f"{st.session_state.setdefault('_rnn_session_id', uuid.uuid4().hex)}:gradflow"
    with gate.slot(ticket) as admitted:
        if not admitted:
            st.info(queue_message(gate, ticket) + " Press the button again in a moment.", icon="⏳")
            return None
        result = work()
    gate.leave(ticket)
    return result


def flow_chart(data, key: str, title: str | None = None) -> None:
    beta = rnn_view(settings)[0]
    fig = plots.grad_flow_figure(data, beta={"RNN": beta}, **({"title": title} if title else {}))
    show_figure(fig, key=key)
    st.dataframe(pd.DataFrame(lab.decay_table(data)), hide_index=True, width="stretch",
                 column_config={"‖∂L/∂h⟨1⟩‖ / ‖∂L/∂h⟨T⟩‖": st.column_config.NumberColumn(
                     format="%.2e")})


def _go(tab: str, **widgets) -> None:
    st.session_state.update(widgets)
    st.session_state["tab"] = tab


learn, train, try_, inspect, compare = lesson_tabs()

with learn:
    st.subheader(f"The error is made at step {T}. Does its gradient still reach step 1?")
    with engine_errors():
        flow_chart(curves(settings), "grad_fig_learn")
    st.caption("Measured now by autograd on freshly initialised models (hidden size 32), on one "
               "batch of 32 sequences. The dashed line is the RNN's bound (β_W β_h)^(T−t).")
    st.markdown(
        "Backpropagation through time (BPTT) sends the loss's gradient back one step at a time. "
        "Each step multiplies it by the Jacobian ∂h⟨t⟩/∂h⟨t−1⟩, so after T−t steps it has been "
        "multiplied T−t times:")
    st.latex(r"\frac{\partial L_T}{\partial h_t} = \frac{\partial L_T}{\partial h_T}"
             r"\prod_{j=t+1}^{T}\frac{\partial h_j}{\partial h_{j-1}},\qquad "
             r"\Big\|\frac{\partial h_j}{\partial h_{j-1}}\Big\| \le \|W^\top\|\,"
             r"\|\mathrm{diag}[g'(h_{j-1})]\| \le \beta_W\beta_h")
    st.latex(r"\Big\|\frac{\partial h_T}{\partial h_t}\Big\| \le (\beta_W\beta_h)^{T-t}")
    st.markdown(
        "If β_Wβ_h < 1 the gradient from far back **vanishes**: the net cannot learn that the "
        "first symbol mattered. If W_hh has eigenvalues outside the unit circle the gradient can "
        "**explode** and one update wrecks the weights. In practice a vanilla RNN trained by SGD "
        "learns dependencies of about 10–20 steps.\n\n"
        "**Clipping** fixes exploding, not vanishing: if ‖g‖ > threshold, rescale g to "
        "threshold · g/‖g‖ before the update. **Gated cells** fix vanishing: the LSTM's cell "
        "state is updated by c⟨t⟩ = Γ_f ∗ c⟨t−1⟩ + Γ_u ∗ c̃⟨t⟩, so the gradient along c is "
        "multiplied by the forget gate, not by W_hh. At torch's init Γ_f ≈ σ(0) = ½ and c halves "
        "every step; a forget-gate bias of 3 starts the gate near σ(3) ≈ 0.95, open, and the "
        "gradient survives. The GRU's update gate does the same job: start Γ_u near 0 and the "
        "state is copied forward (the sidebar's *keep-gate bias* sets both).")
    st.markdown("Shape: **many-to-one** (read T steps, answer once at the end).")
    st.markdown("#### Try it in class")
    c1, c2, c3 = st.columns(3)
    c1.markdown("**1.** Guess: set W_hh's spectral radius to 1.5. Will the RNN's line go up "
                "or down towards t = 1?")
    c1.button("Show me", key="grad_x1", on_click=_go, args=("Try",),
              kwargs={"grad_radius": "1.5"}, icon=":material/science:")
    c2.markdown("**2.** ReLU RNN, radius 2, T = 20, SGD, **no clipping**: will it learn, spike, "
                "or break? Then turn clipping on.")
    c2.button("Set it up", key="grad_x2", on_click=_go, args=("Train",), icon=":material/science:",
              kwargs={"grad_radius": "2.0", "grad_act": "relu", "grad_T": 20, "grad_arch": "rnn",
                      "grad_opt": "sgd", "grad_lr": 0.05, "grad_clip_on": False})
    c3.markdown("**3.** Which cell still remembers the first symbol after 30 steps? 50?")
    c3.button("Open the sweep", key="grad_x3", on_click=_go, args=("Compare",),
              icon=":material/science:")

with train:
    st.markdown(f"Train the **{lab.LABELS[arch]}** on “{KINDS[kind]}” with T = {T} for {steps} "
                f"steps, {optimizer.upper()} at learning rate {lr:g}, clipping "
                + (f"at {threshold:g}." if clip_on else "**off**."))
    signature = (settings, arch, tuple(sorted(budget.items(), key=lambda kv: kv[0])))
    if st.button("Train", type="primary", key="grad_train", icon=":material/play_arrow:"):
        bar = st.progress(0.0, text="training…")
        with engine_errors():
            run = gated(lambda: lab.run_training(settings.model(arch), budget, seed=seed,
                                                 progress=lambda f: bar.progress(min(f, 1.0))))
            if run is not None:
                st.session_state["grad_run"] = (signature, run)
        bar.empty()
    saved = st.session_state.get("grad_run")
    if saved is None or saved[0] != signature:
        st.caption("Press **Train**: a few seconds at most. Change any setting and train again "
                   "to compare.")
    else:
        run = saved[1]
        summary = lab.run_summary(run, budget["clip"])
        if run["diverged"]:
            st.error(f"**Training diverged:** {run['reason']}. Without clipping, an exploding "
                     "gradient makes one update so large that the weights overflow. Turn on "
                     "clipping (or lower the spectral radius or the learning rate) and train "
                     "again.", icon=":material/error:")
        cols = st.columns(4)
        cols[0].metric("steps trained", summary["steps"])
        cols[1].metric("steps clipped", summary["clipped"] if clip_on else "clipping off")
        cols[2].metric("largest ‖gradient‖", f"{summary['largest norm']:.3g}")
        cols[3].metric("held-out accuracy", f"{summary['accuracy']:.0%}",
                       help=f"chance is {settings.task().chance:.0%}")
        left, right = st.columns(2)
        with left:
            show_figure(plots.grad_norm_figure(run["records"], clip=budget["clip"]),
                        key="grad_fig_norm")
        with right:
            show_figure(plots.grad_norm_histogram(run["records"], clip=budget["clip"]),
                        key="grad_fig_hist")
        loss_fig = plots.loss_figure(run["records"], title="Training loss (spikes = explosions)")
        loss_fig.update_yaxes(type="log", title_text="loss (log scale)")
        show_figure(loss_fig, key="grad_fig_loss")

with try_:
    st.markdown("The RNN's W_hh decides what BPTT does: each step back multiplies the gradient by "
                "it (and by g'). Eigenvalues **inside** the unit circle shrink it, **outside** grow "
                "it. Move *Spectral radius* and *activation* in the sidebar.")
    with engine_errors():
        beta, spec, sweep = rnn_view(settings)
        left, right = st.columns(2)
        with left:
            show_figure(plots.eigenvalue_figure({"W_hh": spec["eigenvalues"]}), key="grad_fig_eig")
        with right:
            show_figure(radius_sweep_figure(SWEEP_RADII, sweep, T, current=spec["radius"]),
                        key="grad_fig_sweep")
        st.caption(f"Spectral radius {spec['radius']:.2f}, ‖W_hh‖₂ = β_W = {spec['beta_W']:.2f}. "
                   "The norm is at least the radius, so the bound can allow growth even when "
                   "the eigenvalues are inside the circle: it is an upper bound, not a forecast.")
        rnn_only = {"RNN": curves(settings)["RNN"]}
        show_figure(plots.grad_flow_figure(rnn_only, beta={"RNN": beta},
                                           title="The RNN's ‖∂L/∂h⟨t⟩‖ under its bound"),
                    key="grad_fig_rnn")

with inspect:
    st.markdown("Gradients change as the weights learn. Train each cell briefly (Adam, learning "
                "rate 0.01, clipping at 1) and measure ‖∂L/∂h⟨t⟩‖ again on the same batch.")
    after = st.segmented_control("Measure after", (0, 100, 300), default=0, key="grad_after",
                                 format_func=lambda n: "initialisation" if n == 0 else
                                 f"{n} training steps") or 0
    with engine_errors():
        data = curves(settings, after) if after == 0 or st.session_state.get(
            f"grad_measured:{settings}:{after}") else None
        if data is None and st.button(f"Train each cell for {after} steps and measure",
                                      key="grad_measure", icon=":material/play_arrow:"):
            with st.spinner("Training RNN, GRU and LSTM…"):
                data = gated(lambda: curves(settings, after))
            if data is not None:
                st.session_state[f"grad_measured:{settings}:{after}"] = True
        if data is not None:
            flow_chart(data, "grad_fig_inspect",
                       title=f"‖∂L/∂h⟨t⟩‖ after {after} steps" if after else None)

with compare:
    st.markdown(f"Held-out accuracy after the same budget ({lab.BUDGET['steps']} Adam steps, "
                f"learning rate {lab.BUDGET['lr']:g}, clipping at {lab.BUDGET['clip']:g}) for "
                f"each dependency length T. “Solved” means at least {lab.SOLVED:.0%} accuracy.")
    key = f"grad_sweep:{settings}"
    if st.button("Run the sweep (about 20 s)", type="primary", key="grad_sweep_btn",
                 icon=":material/play_arrow:"):
        bar = st.progress(0.0, text="training…")
        cells = [(a, t) for a in lab.ARCHS for t in lab.TS]

        def sweep():
            out = {lab.LABELS[a]: {} for a in lab.ARCHS}
            for i, (a, t) in enumerate(cells):
                bar.progress(i / len(cells), text=f"{lab.LABELS[a]}, T = {t}")
                out[lab.LABELS[a]][t] = accuracy_cell(settings, a, t)
            return out

        with engine_errors():
            result = gated(sweep)
            if result is not None:
                st.session_state[key] = result
        bar.empty()
    results = st.session_state.get(key)
    if results:
        show_figure(plots.accuracy_vs_length_figure(results, chance=settings.task().chance),
                    key="grad_fig_acc")
        solved = lab.largest_solved(results)
        st.dataframe(pd.DataFrame([{"cell": k, "largest T solved": v if v else "none"}
                                   for k, v in solved.items()]), hide_index=True)
    else:
        st.caption("Press the button: 21 short trainings, one after the other. Results are kept "
                   "for everyone on this server, so the second time is instant.")
