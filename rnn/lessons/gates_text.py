"""The memory-and-gates lesson's words: its explanations and its predict-first experiments.

Facts, equations and examples come from the course notes (shared/seeds/); each challenge's
claim is checked on the shipped checkpoints by tests/contracts/gates.py. No Streamlit here.
"""
from __future__ import annotations

from rnn.lessons.challenge_schema import load_questions


PYTORCH_NAMES = (
    "PyTorch names things differently from the course: the state a⟨t⟩ is `h`; W_aa and W_ax are "
    "`weight_hh` and `weight_ih`, each holding every gate's block stacked (LSTM order i, f, g, o; "
    "GRU order r, z, n); and each gate has two biases (`bias_ih`, `bias_hh`) whose sum is the "
    "course's b. LSTM: Γ_u is the *input gate* `i`, Γ_f is `f`, Γ_o is `o`, c̃⟨t⟩ is `g`. "
    "GRU: Γ_r is `r`, c̃⟨t⟩ is `n`, and torch's update gate `z` is the fraction of the OLD state "
    "kept, so **z = 1 − Γ_u**. Torch also applies Γ_r after multiplying by W_aa, not before.")
CALC_NOTE = ("Weights: torch's initialisation, seed 0, for 2 inputs. For the LSTM, "
             "c⟨t−1⟩ = a⟨t−1⟩ here.")

INTRO = (
    "“The **cat**, which already ate …, **was** full” (the course notes' example): the verb must "
    "agree with a word many steps back, and the nouns in between pull the other way. This page "
    "tells the story of gates in two steps, each measured on models you can open here.\n\n"
    "**1. One subject (data *long*): a leak is enough to hold a word.** The leaky unit, with no "
    "gate, only a fixed share of its old state kept at every word, carries the number across 50 "
    "words. The vanilla RNN trained on the same sentences stays at chance, even on short gaps: "
    "the gradient that should teach it to keep the subject fades over the gap (see *Gradient "
    "flow*), so it never *learns* to. It is not that it *cannot* hold a word: the same RNN trained "
    "only on gaps 0–5 is right at every gap up to 50.\n\n"
    "**2. Several subjects (data *overwrite*): only a gate can choose when to write.** “The cat, "
    "which saw the dogs, was full, and the boys, near the girl …, **were** happy.” Now the memory "
    "must be *overwritten* at each new subject and held through its clause, where the same nouns "
    "come back as attractors. The course notes (chapter 10, §10.10) give this as the key insight "
    "of gated RNNs: they can *forget* the old state, besides accumulating information, which leaky "
    "units can also do. Here the shipped GRU and LSTM pass and the leaky unit and the RNN fail "
    "(Compare; over five training seeds the gated cells learned it every time, the ungated ones "
    "now and then), and the GRU's update gate Γ_u opens wider at a subject than at the same noun "
    "inside a clause (Inspect).")
TASK_TEXT = (
    "**The task** (many-to-one): read a sentence up to its verb and say singular (was, is, has) "
    "or plural (were, are, have). The clause between subject and verb has exactly *gap* words, "
    "with nouns of random number in it, so no word near the verb gives the answer away. "
    "Data set *long* trains on a mix of gaps 0–50 (trained on long gaps only, no cell finds the "
    "subject at all) and is scored on gaps 20–50. Data set *overwrite* puts one to three "
    "subjects in a row, each with its clause and its own verb, and asks for the verb of the last "
    "one, 20–50 words after it.")
REMEDIES = (
    "**Before gates** (the course notes, chapter 10, §10.9.2): a *leaky unit* keeps a share α "
    "of its old state every step, u⟨t⟩ = α u⟨t−1⟩ + (1 − α) v⟨t⟩ with "
    "v⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a): a fixed, input-blind gate, the same at every word "
    "(1 − α plays the GRU's Γ_u). An *echo state network* (§10.8) never trains W_aa and W_ax: they "
    "are random, scaled to a spectral radius ρ, and only the readout W_ya learns. Both are in the "
    "sidebar's cell list.")
DEPTH_TEXT = (
    "**Deep RNNs** (the course notes, chapter 10, §10.5, and the sequence-models notes, “Deep "
    "RNN”): stack layers, each reading the states of the one below. Layer l at time t reads its "
    "own previous state and the state of the layer below at the same time:")
DEPTH_EQUATION = (r"a^{[l]\langle t\rangle} = g\left(W_a^{[l]}\,\left[a^{[l]\langle t-1\rangle},\; "
                  r"a^{[l-1]\langle t\rangle}\right] + b_a^{[l]}\right)")
DEPTH_AFTER = (
    r"with $a^{[0]\langle t\rangle} = x^{\langle t\rangle}$. (The notes' worked case writes "
    r"$a^{[2]\langle 3\rangle}$ from $a^{[1]\langle 2\rangle}$ and $a^{[1]\langle 3\rangle}$; the "
    r"first should be the layer's own $a^{[2]\langle 2\rangle}$.) Depth adds computation between "
    "x⟨t⟩ and ŷ at every step; it does not shorten the path from the subject to the verb through "
    "time: see the experiment on the Compare tab.")
COMPARE_TEXT = ("**Step 1, one subject.** All five cells, trained the same way on gaps 0–50 "
                "(1500 steps, batch 32, H = 64, seed 0), and an RNN and an ESN trained on gaps "
                "0–5 only; scored on fresh sentences at each gap.")
OVERWRITE_TEXT = ("**Step 2, several subjects.** The same five cells, same settings, trained on "
                  "*overwrite*: one to three subjects in a row, the verb of the last one. Scored on "
                  "fresh sentences at each gap after the last subject, and on the test sentences "
                  "(gaps 20–50) by how many subjects they have.")
SWEEP_TEXT = (
    "**The same story through the gradient** (the sweep of the *Gradient flow* page, reused): "
    "a vanilla RNN, a GRU and an LSTM (H = 32, keep-gate bias 3) each trained for the same 300 Adam "
    "steps to recall a symbol seen T steps earlier, for T from 5 to 100. Where the RNN's gradient "
    "has faded over T steps it stays near chance; the gated cells' gradient reaches the symbol.")
DEPTH_OWN = " Train your own with the sidebar's *Stacked layers* slider."
INSPECT_TEXT = (
    "The finder scores every unit of the memory (c⟨t⟩ for the LSTM, a⟨t⟩ = c⟨t⟩ for the GRU) on "
    "400 validation sentences: how often does that one number, at the verb, tell singular from "
    "plural? The best unit (ties: the widest gap between the two) is drawn below across your "
    "sentence and across the same sentence with the (last) subject's number flipped, with the "
    "gates that keep or rewrite it. Where do the two lines part, and where are they furthest apart?")
GATES_TEXT = (
    "**Where does the cell write?** The mean of each gate over all 64 units, on 300 *overwrite* "
    "test sentences: at the subject nouns, at the same nouns inside a clause (attractors), and at "
    "every other word. A gate that writes at subjects and holds in clauses opens wider at the "
    "first than at the second. The numbers are far from the tidy 0 and 1 of a textbook picture: "
    "the trained gates only lean one way.")


# The page's predict-first questions: rnn/lessons/questions/gates.toml.
CHALLENGES = load_questions("gates")


DEPTH_CHALLENGE = next(c for c in CHALLENGES if c.key == "gates.depth")
