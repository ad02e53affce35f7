"""Gradient flow through time: how ||dL/dh_t|| shrinks or grows as t moves away from the loss,
the eigenvalues of W_hh that decide it, and what that does to accuracy on long sequences.

The bound drawn dashed is the one from the lesson: with ||W_hh|| <= beta_W and
||diag(tanh'(.))|| <= beta_h, ||dL/dh_t|| <= (beta_W beta_h)^(T-t) ||dL/dh_T||.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import plotly.graph_objects as go

from rnn.plots.training import line_style

from rnn.plots.theme import arch_colour as _colour, empty_figure, hline, new_figure


def grad_flow_figure(norms: Mapping[str, object], beta: float | Mapping[str, float] | None = None,
                     title: str = "How much of the loss reaches step t: ‖∂L/∂a⟨t⟩‖") -> go.Figure:
    """||dL/dh_t|| for t = 1..T on a log scale, one line per run (``norms``: label -> array).

    ``beta`` is beta_W * beta_h, one number or one per label; each bound is drawn dashed from
    that run's value at t = T backwards, so a line falling faster than its bound is impossible
    and one hugging it shows the worst case.
    """
    fig = new_figure(title, "time step t (the loss is at t = T)", "‖∂L/∂a⟨t⟩‖ (log scale)")
    for i, (label, values) in enumerate((norms or {}).items()):
        y = np.asarray(values, dtype=float).ravel()
        if y.size == 0:
            continue
        t = np.arange(1, y.size + 1)
        colour = _colour(label, i)
        fig.add_trace(go.Scatter(x=t, y=np.where(y > 0, y, np.nan), mode="lines", name=str(label),
                                 line=dict(color=colour, width=3)))
        b = beta.get(label) if isinstance(beta, Mapping) else beta
        if b is not None and np.isfinite(y[-1]) and y[-1] > 0:
            bound = y[-1] * float(b) ** (y.size - t)
            # a short name (the legend wraps on a phone); the product β_W·β_h on hover
            fig.add_trace(go.Scatter(x=t, y=bound, mode="lines", name=f"{label} bound",
                                     line=dict(color=colour, width=2, dash="dash"),
                                     hovertemplate=f"bound, β<sub>W</sub>β<sub>h</sub> = {b:.2g}"
                                                   "<br>t = %{x}: %{y:.3g}<extra></extra>"))
    if not fig.data:
        return empty_figure(title)
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


def eigenvalue_figure(eigenvalues, title: str | None = None) -> go.Figure:
    """Eigenvalues of W_hh in the complex plane with the unit circle.

    ``eigenvalues`` is one complex array or a dict label -> complex array. Outside the circle,
    repeated multiplication by W_hh grows a vector (exploding); inside, it shrinks (vanishing).
    """
    sets = eigenvalues if isinstance(eigenvalues, Mapping) else {"W_aa": eigenvalues}
    sets = {k: np.asarray(v, dtype=complex).ravel() for k, v in sets.items()}
    sets = {k: v for k, v in sets.items() if v.size}
    radius = max((float(np.abs(v).max()) for v in sets.values()), default=0.0)
    title = title or f"Eigenvalues of W_aa (spectral radius {radius:.2f})"
    if not sets:
        return empty_figure(title)
    fig = new_figure(title, "real part", "imaginary part", height=520)
    theta = np.linspace(0, 2 * np.pi, 200)
    fig.add_trace(go.Scatter(x=np.cos(theta), y=np.sin(theta), mode="lines", name="unit circle",
                             line=dict(color="#555555", dash="dash", width=2)))
    for i, (label, v) in enumerate(sets.items()):
        fig.add_trace(go.Scatter(x=v.real, y=v.imag, mode="markers", name=str(label),
                                 marker=dict(size=9, color=_colour(label, i), opacity=0.8)))
    lim = max(1.2, radius * 1.1)
    fig.update_xaxes(range=[-lim, lim])
    fig.update_yaxes(range=[-lim, lim], scaleanchor="x", scaleratio=1)
    return fig


def accuracy_vs_length_figure(results: Mapping[str, object], chance: float | None = None,
                              title: str = "Accuracy as the gap T grows") -> go.Figure:
    """Accuracy against sequence length, one line per run.

    ``results`` maps a label to ``{T: accuracy}`` or to a pair ``(Ts, accuracies)``;
    ``chance`` draws the accuracy of guessing.
    """
    fig = new_figure(title, "sequence length T", "accuracy")
    for i, (label, res) in enumerate((results or {}).items()):
        if isinstance(res, Mapping):
            pairs = sorted((float(k), float(v)) for k, v in res.items())
        else:
            ts, accs = res if res is not None and len(res) == 2 else ((), ())
            pairs = sorted(zip((float(t) for t in ts), (float(a) for a in accs)))
        if not pairs:
            continue
        dash, symbol = line_style(str(label), i)       # equal lines stay visible (GRU under LSTM)
        fig.add_trace(go.Scatter(x=[p[0] for p in pairs], y=[p[1] for p in pairs],
                                 mode="lines+markers", name=str(label),
                                 marker=dict(size=10 + 3 * (i % 3), symbol=symbol),
                                 line=dict(color=_colour(label, i), width=3, dash=dash)))
    if not fig.data:
        return empty_figure(title)
    if chance is not None:
        hline(fig, chance, dict(dash="dot", color="#555555"), f"chance {chance:.2f}", font_size=15)
    fig.update_yaxes(range=[0, 1.05])
    return fig
