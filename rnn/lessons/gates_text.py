"""The memory-and-gates lesson's words: its explanations and its predict-first experiments.

Facts, equations and examples come from the course notes (shared/seeds 000-003); each challenge's
claim is checked on the shipped checkpoints by rnn/lessons/gates_contracts.py. No Streamlit here.
"""
from __future__ import annotations

from rnn.lessons.challenge import Challenge

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


CHALLENGES = (
    Challenge(
        key="gates.falls_first", page=PAGE, tab="Compare",
        question="Same data, same seed, same 1500 steps, sentences with gaps of 0-50 words: which "
                 "cell fails on the long gaps?",
        choices=("the vanilla RNN", "the GRU", "the LSTM", "none: all three hold"), answer=0,
        hint="The vanilla RNN stays at chance (0.5), and not only on long gaps: in the shipped run "
             "it did not learn even the shortest sentences (its loss stayed near log 2 = 0.69, a coin "
             "toss). GRU and "
             "LSTM are right on every sentence up to gap 50.",
        claim="On the shipped models the RNN drops below 90 % at a shorter gap than the GRU and the "
              "LSTM, and is below 65 % on gaps of 20-50 while both gated cells are above 90 %.",
        contract="falls_first"),
    Challenge(
        key="gates.short_only", page=PAGE, tab="Compare",
        question="Now train the same vanilla RNN only on short sentences (gaps 0-5). Will it get "
                 "the verb right when the gap is 20-50 words?",
        choices=("yes", "no: it never saw a long gap"), answer=0,
        hint="It does, on this task: from short sentences the gradient reaches the subject, and the "
             "RNN learns a state that holds the number (and ignores the later nouns), which then "
             "works at any length. So the vanilla RNN *can* carry the number; what it cannot do is "
             "*learn* to from long sentences, because the gradient fades over the gap. Gates fix "
             "the learning.",
        claim="The shipped vanilla RNN trained on gaps 0-5 only is above 90 % on gaps of 20-50.",
        contract="short_only"),
    Challenge(
        key="gates.esn_vs_rnn", page=PAGE, tab="Compare",
        question="Does an echo state network, which learns only its readout, beat a trained "
                 "vanilla RNN on long gaps?",
        choices=("yes", "no: both stay near chance", "no: the ESN is far worse"), answer=1,
        hint="Neither can hold the number for 20-50 words: a random W_aa scaled to ρ < 1 forgets "
             "the subject like a vanilla RNN does, and training W_aa by BPTT does not help it "
             "either. Gates, not training effort, make the difference.",
        claim="On gaps of 20-50 both the shipped ESN and the shipped RNN stay below 65 %, while "
              "the LSTM is above 90 %.",
        contract="esn_vs_rnn"),
    Challenge(
        key="gates.esn_short", page=PAGE, tab="Compare",
        question="The echo state network trained on gaps 0-5 only gets those right. How far does "
                 "its memory reach?",
        choices=("to 50 words and beyond", "about 5-10 words, then chance"), answer=1,
        hint="Its W_aa is random with spectral radius ρ = 0.9 and never trained, so the subject's "
             "trace fades a little at every word, whatever the readout learns: near 100 % up to "
             "gap 5, near chance from about 10. The vanilla RNN trained the same way learned a "
             "W_aa that holds the number and stays at 100 % to gap 50.",
        claim="The shipped ESN trained on gaps 0-5 is above 80 % on gaps 0-5 and below 65 % on "
              "gaps 20-50.",
        contract="esn_short"),
    Challenge(
        key="gates.leaky", page=PAGE, tab="Compare",
        question="A leaky unit has no gates, only a fixed α = 0.5: each step keeps half of the "
                 "old state. Does it carry the number across 20-50 words?",
        choices=("yes", "no: it forgets like the vanilla RNN"), answer=0,
        hint="It does on this task: the fixed self-connection 1 − α gives the state (and the "
             "gradient) a path that W_aa alone does not, so training can find a state that holds. "
             "In the shipped run it was still at chance after 900 steps and right on every long "
             "sentence by 1500; the gated cells got there sooner. What it lacks is the choice: "
             "α is the same at every word, where Γ_u and Γ_f depend on the word.",
        claim="The shipped leaky unit (α = 0.5, 1500 steps) is above 90 % on gaps of 20-50.",
        contract="leaky_holds"),
    Challenge(
        key="gates.memory_unit", page=PAGE, tab="Inspect", state={"agreement_arch": "LSTM"},
        question="How many of the LSTM's 64 memory units, each on its own, tell singular from "
                 "plural at the verb?",
        choices=("one", "a handful", "almost all of them"), answer=2,
        hint="Nearly every unit of c⟨t⟩ does, alone: the subject's number is the only thing this "
             "task asks the model to keep, so the trained LSTM writes it everywhere. The tidy picture "
             "of the notes (one unit set at “cat”, held with Γ_f near 1, read at “was”) is not "
             "what training found: compare the lines for “cat” and “cats” word by word.",
        claim="At least 90 % of the shipped LSTM's 64 units of c⟨t⟩ each alone separate singular "
              "from plural at the verb on at least 95 % of validation sentences.",
        contract="memory_unit"),
    Challenge(
        key="gates.depth", page=PAGE, tab="Compare",
        question="Stack 2 or 3 vanilla RNN layers: does the deeper RNN carry the number across "
                 "20-50 words?", state={"agreement_arch": "RNN", "agreement_layers": 3},
        choices=("yes, depth fixes it", "no: every depth stays near chance"), answer=1,
        hint="Depth adds layers between x⟨t⟩ and ŷ, not a shorter path through time: the subject "
             "still has to survive 20-50 multiplications by W_aa in every layer.",
        claim="The shipped vanilla RNNs with 1, 2 and 3 stacked layers (H = 64, 1500 steps, "
              "seed 0) all stay below 65 % on gaps of 20-50.",
        contract="depth"),
)


DEPTH_CHALLENGE = next(c for c in CHALLENGES if c.key == "gates.depth")
