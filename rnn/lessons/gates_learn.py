"""Lesson: memory and gates, the Learn tab's computations: each cell's equations beside the lines of
our cells' code that compute them, and the gate calculator (one step of a cell, every gate).
The rest of the lesson: rnn/lessons/gates.py. No Streamlit here.
"""
from __future__ import annotations

import inspect

import torch

from rnn.cells import GRUCell, LSTMCell, RNNCell, gru_step, leaky_step, lstm_step, rnn_step


# ---- Learn: the equations beside our code --------------------------------------------------------
# (LaTeX in the course notation, the start of the matching line in the cell's step function, a note)
EQUATIONS = {
    "gru": (gru_step, [
        (r"\Gamma_r = \sigma(W_r[c^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_r)",
         "r = torch.sigmoid(", "relevance (reset) gate: torch calls it r"),
        (r"\Gamma_u = \sigma(W_u[c^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_u)",
         "z = torch.sigmoid(", "torch's z is the KEEP fraction: z = 1 − Γ_u"),
        (r"\tilde c^{\langle t\rangle} = \tanh(W_c[\Gamma_r * c^{\langle t-1\rangle}, "
         r"x^{\langle t\rangle}] + b_c)",
         "n = torch.tanh(", "candidate: torch calls it n and applies Γ_r after the matmul"),
        (r"c^{\langle t\rangle} = \Gamma_u * \tilde c^{\langle t\rangle} + (1-\Gamma_u) * "
         r"c^{\langle t-1\rangle}", "h = (1 - z) * n + z * h", "1 − z = Γ_u, so the same line"),
        (r"a^{\langle t\rangle} = c^{\langle t\rangle}", "return h,",
         "a GRU has one state: torch's h is both c⟨t⟩ and a⟨t⟩"),
    ]),
    "lstm": (lstm_step, [
        (r"W[a^{\langle t-1\rangle}, x^{\langle t\rangle}] + b \text{ for all four at once}",
         "gates = gx + F.linear(", "one matmul, four blocks stacked i, f, g, o"),
        (r"\Gamma_u = \sigma(W_u[a^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_u)",
         "i = torch.sigmoid(", "update gate: torch calls it the input gate i"),
        (r"\Gamma_f = \sigma(W_f[a^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_f)",
         "f = torch.sigmoid(", "forget gate: f"),
        (r"\tilde c^{\langle t\rangle} = \tanh(W_c[a^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_c)",
         "g = torch.tanh(", "candidate: torch calls it g"),
        (r"\Gamma_o = \sigma(W_o[a^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_o)",
         "o = torch.sigmoid(", "output gate: o"),
        (r"c^{\langle t\rangle} = \Gamma_u * \tilde c^{\langle t\rangle} + \Gamma_f * "
         r"c^{\langle t-1\rangle}", "c = f * c + i * g", "the memory cell: c"),
        (r"a^{\langle t\rangle} = \Gamma_o * \tanh(c^{\langle t\rangle})", "h = o * torch.tanh(c)",
         "torch calls a⟨t⟩ h"),
    ]),
    "leaky": (leaky_step, [
        (r"v^{\langle t\rangle} = \tanh(W_{aa}a^{\langle t-1\rangle} + W_{ax}x^{\langle t\rangle} + b_a)",
         "v = phi(", "a vanilla RNN step: the new content"),
        (r"a^{\langle t\rangle} = \alpha\, a^{\langle t-1\rangle} + (1-\alpha)\, v^{\langle t\rangle}",
         "h = alpha * h + (1 - alpha) * v", "α: the share of the OLD state kept (the course notes, "
         "chapter 10, §10.9.2); 1 − α is a fixed Γ_u, the same at every word"),
    ]),
    "rnn": (rnn_step, [
        (r"a^{\langle t\rangle} = \tanh(W_{aa}a^{\langle t-1\rangle} + W_{ax}x^{\langle t\rangle} + b_a)",
         "h = phi(", "no gate: every step rewrites the whole state (torch: W_hh, W_ih)"),
    ]),
}


def code_line(function, start: str) -> str:
    """The line of ``function``'s source that starts with ``start`` (stripped). Raises LookupError
    if the code no longer has it, so a renamed variable cannot leave an equation pointing nowhere."""
    for line in inspect.getsource(function).splitlines():
        if line.strip().startswith(start):
            return line.strip()
    raise LookupError(f"{function.__name__} has no line starting with {start!r}")


def equation_rows(arch: str) -> list[dict]:
    """[{latex, code, note}] for one cell, the code read from the cell's source now."""
    function, rows = EQUATIONS[arch]
    return [{"latex": tex, "code": code_line(function, start), "note": note}
            for tex, start, note in rows]


# ---- Learn: the gate calculator -------------------------------------------------------------
INPUT_SIZE = 2
CELL_CLASSES = {"rnn": RNNCell, "gru": GRUCell, "lstm": LSTMCell}


def gate_calculator(arch: str, state: list[float], x: list[float], cell_state: list[float] | None = None,
                    seed: int = 0) -> list[dict]:
    """Every gate of one step of a small cell, in course notation.

    arch: "rnn" | "gru" | "lstm"; state: a⟨t−1⟩ with 2-4 units; x: x⟨t⟩ with 2 numbers;
    cell_state: the LSTM's c⟨t−1⟩ (defaults to ``state``). The weights are torch's initialisation
    drawn with ``seed``. Returns rows {"quantity", "torch", "values"} (one value per unit).
    """
    if arch not in CELL_CLASSES:
        raise ValueError(f"the calculator knows {', '.join(CELL_CLASSES)}, got {arch!r}")
    if not 2 <= len(state) <= 4 or len(x) != INPUT_SIZE:
        raise ValueError("use a state of 2 to 4 units and an input of 2 numbers")
    torch.manual_seed(seed)
    cell = CELL_CLASSES[arch](INPUT_SIZE, len(state))
    a = torch.tensor(state, dtype=torch.float32)
    xt = torch.tensor(x, dtype=torch.float32)
    with torch.no_grad():
        if arch == "lstm":
            c = torch.tensor(cell_state if cell_state is not None else state, dtype=torch.float32)
            (a_new, c_new), g = cell.forward_with_gates(xt, (a, c))
            rows = [("Γ_u (update)", "i", g["i"]), ("Γ_f (forget)", "f", g["f"]),
                    ("c̃⟨t⟩ (candidate)", "g", g["g"]), ("Γ_o (output)", "o", g["o"]),
                    ("c⟨t⟩ = Γ_u∗c̃⟨t⟩ + Γ_f∗c⟨t−1⟩", "c", c_new), ("a⟨t⟩ = Γ_o∗tanh(c⟨t⟩)", "h", a_new)]
        elif arch == "gru":
            a_new, g = cell.forward_with_gates(xt, a)
            rows = [("Γ_r (relevance)", "r", g["r"]), ("Γ_u (update)", "1 − z", 1 - g["z"]),
                    ("c̃⟨t⟩ (candidate)", "n", g["n"]),
                    ("a⟨t⟩ = c⟨t⟩ = Γ_u∗c̃⟨t⟩ + (1−Γ_u)∗c⟨t−1⟩", "h", a_new)]
        else:
            a_new, _ = cell.forward_with_gates(xt, a)
            rows = [("a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a)", "h", a_new)]
    return [{"quantity": q, "torch": t, "values": [round(float(v), 4) for v in val]} for q, t, val in rows]


def calculator_table(rows: list[dict]) -> list[dict]:
    """``gate_calculator``'s rows as table rows: quantity, PyTorch's name, one column per unit."""
    return [{"quantity": r["quantity"], "PyTorch": r["torch"],
             **{f"unit {k}": v for k, v in enumerate(r["values"])}} for r in rows]
