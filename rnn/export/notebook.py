"""The exported notebook (nbformat): train.py's sections as code cells, each after a Markdown cell
that says what it does; the cell's section carries the lesson's equations in LaTeX.

The command-line overrides of train.py (its ``argv`` section) stay out: a notebook's settings are
edited in its settings cell.
"""
from __future__ import annotations

import nbformat
from nbformat import v4

from rnn.export.script import CELL_NAMES, TASK_TITLES, sections

T = r"^{\langle t\rangle}"
T1 = r"^{\langle t-1\rangle}"

# the course's equations (rnn/lessons/gates.py writes the GRU's and LSTM's the same way)
EQUATIONS = {
    "rnn": [rf"a{T} = \tanh(W_{{aa}} a{T1} + W_{{ax}} x{T} + b_a)"],
    "esn": [rf"a{T} = \tanh(W_{{aa}} a{T1} + W_{{ax}} x{T} + b_a)",
            r"W_{aa}, W_{ax}, b_a \text{ random and frozen}, \quad \max|\lambda(W_{aa})| = \rho"],
    "leaky": [rf"v{T} = \tanh(W_{{aa}} a{T1} + W_{{ax}} x{T} + b_a)",
              rf"a{T} = (1-\alpha)\, a{T1} + \alpha\, v{T}"],
    "gru": [rf"\Gamma_r = \sigma(W_r[a{T1}, x{T}] + b_r)",
            rf"\Gamma_u = \sigma(W_u[a{T1}, x{T}] + b_u)",
            rf"\tilde c{T} = \tanh(W_c[\Gamma_r * a{T1}, x{T}] + b_c)",
            rf"a{T} = \Gamma_u * \tilde c{T} + (1-\Gamma_u) * a{T1}"],
    "lstm": [rf"\Gamma_u = \sigma(W_u[a{T1}, x{T}] + b_u)",
             rf"\Gamma_f = \sigma(W_f[a{T1}, x{T}] + b_f)",
             rf"\tilde c{T} = \tanh(W_c[a{T1}, x{T}] + b_c)",
             rf"\Gamma_o = \sigma(W_o[a{T1}, x{T}] + b_o)",
             rf"c{T} = \Gamma_u * \tilde c{T} + \Gamma_f * c{T1}",
             rf"a{T} = \Gamma_o * \tanh(c{T})"],
}
CELL_NOTES = {
    "rnn": "One weight matrix reads the previous state, one the input; every step rewrites the whole state.",
    "esn": "An echo state network is a vanilla RNN whose recurrent weights stay random: W_aa is "
           "scaled so its largest |eigenvalue| is ρ and frozen; only the output layer learns.",
    "leaky": "The leaky unit keeps 1 − α of its old state at every step: a fixed update gate.",
    "gru": "PyTorch stores the update gate as z = 1 − Γ_u (the share of the old state kept) and "
           "applies Γ_r after the product W_aa a⟨t−1⟩; the code follows PyTorch, as the app does.",
    "lstm": "PyTorch calls Γ_u the input gate i and c̃⟨t⟩ g; a⟨t⟩ is its h.",
}
TASK_MODEL = {
    "sentiment": rf"\hat y = \sigma(W_{{ya}} a^{{\langle T\rangle}} + b_y)",
    "agreement": rf"\hat y = \sigma(W_{{ya}} a^{{\langle T\rangle}} + b_y)",
    "ner": rf"\hat y{T} = \sigma(W_{{ya}} a{T} + b_y)",
    "textgen": rf"\hat y{T} = \mathrm{{softmax}}(W_{{ya}} a{T} + b_y) \approx P(x^{{\langle t+1\rangle}} \mid x^{{\langle 1\rangle}}, \dots, x{T})",
    "translation": rf"P(y{T} \mid y^{{\langle <t\rangle}}, x) = \mathrm{{softmax}}(W_o [s{T} ; c{T}])",
}
INTRO = {
    "Settings": "The run's settings. Change one and run the notebook again.",
    "Data": "The data: `data/` holds the run's splits as the app generated them. The vocabulary "
            "gives every token an id; batches are drawn in a seeded order.",
    "The recurrent layer": "Layers of the cell, stacked; a bidirectional layer also reads each "
                           "sentence right to left. The loop over t is the recurrence.",
    "Evaluation": "The scores the app reports, computed the same way.",
    "Training": "Adam on the loss, gradients clipped to one global norm, the validation set "
                "scored every `eval_every` steps, the best weights kept.",
    "Predictions": "The trained model at work.",
    "Result": "The validation metrics as one JSON line, the keys of `python -m rnn train`.",
}


def _markdown(exp, title: str) -> str | None:
    arch, task = exp.model_config.arch, exp.task.name
    if title == "Header":
        return None
    if title == "The cell":
        rows = "\n".join(f"$${eq}$$" for eq in EQUATIONS[arch])
        return f"## The cell: {CELL_NAMES[arch]}\n\n{rows}\n\n{CELL_NOTES[arch]}"
    if title == "The model":
        return f"## The model\n\n$${TASK_MODEL[task]}$$"
    return f"## {title}\n\n{INTRO.get(title, '')}".rstrip()


def build_notebook(exp) -> nbformat.NotebookNode:
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    cells = []
    parts = sections(exp)
    header = dict(parts)["Header"]
    doc = header.split('"""')[1] if header.count('"""') >= 2 else ""
    cells.append(v4.new_markdown_cell(f"# {TASK_TITLES[exp.task.name]}: an RNN Playground run in "
                                      f"plain PyTorch\n\n" + doc.split("\n", 1)[-1].strip()
                                      .replace("python train.py", "python train.py")))
    for title, code in parts:
        if title == "argv":
            continue
        text = _markdown(exp, title)
        if text:
            cells.append(v4.new_markdown_cell(text))
        cells.append(v4.new_code_cell(code.rstrip("\n")))
    nb.cells = cells
    return nb


def notebook_json(exp) -> str:
    nb = build_notebook(exp)
    nbformat.validate(nb)
    return nbformat.writes(nb)
