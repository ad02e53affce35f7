"""The memory-and-gates lesson's words: its explanations and its predict-first experiments.

Facts, equations and examples come from the course notes (shared/seeds 000-003); each challenge's
claim is checked on the shipped checkpoints by rnn/lessons/gates_contracts.py. No Streamlit here.
"""
from __future__ import annotations

from rnn.lessons.challenge import load_questions

PAGE = "7_Memory_and_gates.py"

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
    "“The **cat**, which already ate the fish that the dogs wanted, **was** full.” The verb must "
    "agree with a word many steps back, and the words between (*dogs*) pull the other way. "
    "A vanilla RNN rewrites its whole state a⟨t⟩ at every word, and the gradient that should teach "
    "it to keep the subject fades over the gap (see *Gradient flow*). GRU and LSTM keep a memory "
    "cell c⟨t⟩ that a "
    "gate can **hold**: set at “cat”, carried through the clause with the update gate near 0 "
    "(GRU) or the forget gate near 1 (LSTM), and read at “was”.")
TASK_TEXT = (
    "**The task** (many-to-one): read a sentence up to its verb and say singular (was, is, has) "
    "or plural (were, are, have). The clause between subject and verb has exactly *gap* words, "
    "with nouns of random number in it, so no word near the verb gives the answer away. "
    "Data set *long* trains on a mix of gaps 0–50 (trained on long gaps only, no cell finds the "
    "subject at all) and is scored on gaps 20–50.")
REMEDIES = (
    "**Before gates** (seed 002): a *leaky unit* keeps 1 − α of its state every step, "
    "a⟨t⟩ = (1 − α) a⟨t−1⟩ + α tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a), a fixed, input-blind "
    "Γ_u = α. An *echo state network* never trains W_aa and W_ax: they are random, scaled to a "
    "spectral radius ρ, and only the readout W_ya learns. Both are in the sidebar's cell list.")
DEPTH_TEXT = (
    "**Deep RNNs** (seeds 001, 002 §10.5): stack layers, each reading the states of the one "
    "below. Depth adds computation between x⟨t⟩ and ŷ at every step; it does not shorten the path "
    "from the subject to the verb through time.")
COMPARE_TEXT = ("All five cells, trained the same way on gaps 0–50 (1500 steps, batch 32, H = 64, "
                "seed 0), and an RNN and an ESN trained on gaps 0–5 only; scored on fresh "
                "sentences at each gap.")
DEPTH_OWN = " Train your own with the sidebar's *Stacked layers* slider."
INSPECT_TEXT = (
    "The finder scores every unit of the memory (c⟨t⟩ for the LSTM, a⟨t⟩ = c⟨t⟩ for the GRU) on "
    "400 validation sentences: how often does that one number, at the verb, tell singular from "
    "plural? The best unit (ties: the widest gap between the two) is drawn below across your "
    "sentence and across the same sentence with the subject's number flipped, with the gates that "
    "keep or rewrite it. Where do the two lines part, and where are they furthest apart?")


# The page's predict-first questions: rnn/lessons/questions/gates.toml.
CHALLENGES = load_questions("gates")


DEPTH_CHALLENGE = next(c for c in CHALLENGES if c.key == "gates.depth")
