"""The level choice of the task pages (easy / long-range) and what the pages say about it: why the
cells differ on the long-range level, why a GRU step is slower on this CPU, and the shipped
long-level models for each Compare tab.

No Streamlit here: a page reads these values and lays them out (rnn/ui/shipped.py).
The data behind each level: rnn/data/long_levels.py (distances) and rnn/data/long_*.py.
"""
from __future__ import annotations

from rnn.data.long_levels import EVAL_DISTANCES, LEVELS, LONG_DATASETS, TRAIN_DISTANCES, dataset_for_level  # noqa: F401

# The page's radio: value kept in the URL -> label shown.
LEVEL_LABELS = {"easy": "Easy: a first success", "long": "Long-range: where the cells differ"}
LEVEL_HELP = ("**Easy** is the data every page starts with: short sentences, all three cells reach "
              "nearly 100 %. **Long-range** puts the evidence far from where the answer is given "
              f"({TRAIN_DISTANCES[0]}–{TRAIN_DISTANCES[1]} tokens away in training, "
              f"{EVAL_DISTANCES[0]}–{EVAL_DISTANCES[1]} in the validation and test sets the scores "
              "come from), so the cell has to carry it.")
COMPARE_LEVEL = "long"          # the level a Compare tab opens on: the one where the cells differ

WHY_CELLS_DIFFER = (
    "On the long-range level the answer depends on something seen 20 to 50 steps earlier. A "
    "vanilla RNN rewrites its whole state at every step, a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + "
    "b_a), so what it saw long ago is mixed away by everything after it, and during training the "
    "gradient that should connect the answer to that early word is a product of one factor per "
    "step, which shrinks towards zero over many tanh steps (vanishing gradients). It learns the "
    "short examples and usually stays near chance on the long ones (not always: a lucky start "
    "sometimes finds a way, which is why the benchmarks train three seeds). The GRU and the LSTM have a memory "
    "cell c⟨t⟩ that is only changed where a gate lets it: when the update gate Γ_u is near 0 "
    "(and, in the LSTM, the forget gate Γ_f near 1), c⟨t⟩ ≈ c⟨t−1⟩, the value is kept as it is "
    "and the gradient passes back through that step almost unchanged. They learn to set the "
    "memory at the deciding word, hold it through the filler, and use it at the end.")

GRU_SPEED_NOTE = (
    "Race by training steps, not seconds: a GRU step takes a little longer than an LSTM step on "
    "this machine (about 1.2 times at 64 units, BENCHMARKS.md) only because PyTorch has a fused "
    "CPU kernel for the LSTM and none for the GRU, which runs as several small operations per "
    "step; per step the GRU does less arithmetic than the LSTM.")
RACE_AXES = {"step": "training steps (fair: same number of updates)",
             "seconds": "seconds (this CPU's speed per cell)"}
DEFAULT_RACE_AXIS = "step"

# What each long level is, in one or two sentences, for the page's data notice.
LEVEL_NOTES = {
    "sentiment": ("Each review opens with its verdict (“The plot was not dull at all.”), then tells "
                  "about the visit and makes side remarks (“the parking was awful .”) whose "
                  "polarity is random. Only the verdict decides, and it is 20–50 words before the "
                  "prediction in the validation and test sets."),
    "ner": ("An ambiguous word opens each sentence (Jordan, April, Hope), then an aside of 20–50 "
            "words, then the verb phrase that decides (“… , borders Israel .” or “… , laughed at "
            "the joke .”). The tagger's right-to-left RNN must carry that phrase back to the "
            "word. Only these words can be names, so F1 is the F1 on the long-distance decisions."),
    "textgen": ("Each line is a song, “<fox>do re mi fa so</fox>”: the closing tag must repeat the "
                "opening name after 20–50 characters of the scale (the animals take turns in "
                "alphabetical order, so the opening name itself is easy). Almost all that is left "
                "to learn is that closing name: a model that forgot it guesses among 20 animals."),
    "translation": ("Lists of 8–12 numbers in English words (“twelve seven seventy-one”) to French "
                    "in the validation and test sets. Without attention the encoder must squeeze "
                    "the whole list into one vector a⟨T_x⟩; with attention the decoder looks back "
                    "at the number it is translating. Here attention matters, not the cell: with "
                    "it all three cells get most lists exactly right, without it the LSTM gets "
                    "none."),
}

# Inputs for a Try tab on the long-range level, each with its long-distance point: label -> text
# (text generation: a prime to continue, which ends inside a song).
LONG_EXAMPLES = {
    "sentiment": {"verdict, then a long story": (
        "The plot was not dull at all. We went there on a Tuesday. My sister came along with me. "
        "The parking was awful. It rained for most of the evening. The traffic was terrible. "
        "We left just before ten.")},
    "ner": {"a name, decided 24 words later": (
                "Jordan, as the old teacher told us on the way back from the quiet harbour believe "
                "it or not so the doctor explained, laughed at the joke."),
            "a country, decided 24 words later": (
                "Jordan, as the old teacher told us on the way back from the quiet harbour believe "
                "it or not so the doctor explained, borders Israel.")},
    "textgen": {"inside a long song": "<fox>do re mi fa so la ti do re mi fa so la ti do re"},
    "translation": {"ten numbers": "twelve seven seventy-one forty-four eighty-eight three nine "
                                   "sixty ninety-five twenty"},
}

# The shipped long-level models of each Compare tab: label -> checkpoint (rnn.pretrained).
SHIPPED_LONG = {
    task: {"Vanilla RNN": f"{task}-rnn-long", "GRU": f"{task}-gru-long", "LSTM": f"{task}-lstm-long"}
    for task in LONG_DATASETS
}
SHIPPED_LONG["translation"]["LSTM, no attention"] = "translation-lstm-noattn-long"
# Column of the shipped table: history key -> header (the metric of each task, and the loss).
SHIPPED_LONG_COLUMNS = {       # short headers: the table shares its row with the chart
    "sentiment": {"accuracy": "accuracy", "val_loss": "val. loss"},
    "ner": {"f1": "F1", "val_loss": "val. loss"},
    "textgen": {"val_loss": "val. loss (nats/char)"},
    "translation": {"exact_match": "exact match", "bleu": "BLEU", "val_loss": "val. loss"},
}
SHIPPED_LONG_METRIC = {"sentiment": "accuracy", "ner": "f1", "textgen": "val_loss",
                       "translation": "exact_match"}
SHIPPED_LONG_CAPTION = ("Shipped models on the long-range level, scored on validation examples whose "
                        "evidence is 20–50 steps from the answer: the page's default sizes, seed 0, "
                        "1500 Adam steps each, the same data. Compare the vanilla RNN's row with "
                        "the GRU's and the LSTM's.")


def vanilla_falls_behind(finals: dict, metric: str, margin: float = 0.02) -> bool:
    """Whether the shipped "Vanilla RNN" ends clearly worse than the best other cell on ``metric``
    (``finals``: label -> last validation value; a loss is better lower, by more than ``margin``
    of it; a score is better higher, by more than ``margin``). Unknown values: True (the page
    keeps its explanation)."""
    rnn = finals.get("Vanilla RNN")
    others = [v for k, v in finals.items() if k != "Vanilla RNN" and v is not None]
    if rnn is None or not others:
        return True
    if "loss" in metric:
        return rnn > min(others) * (1 + margin)
    return rnn < max(others) - margin


def shipped_long(task: str) -> dict:
    """Everything a Compare tab needs for its shipped long-level table, as the keyword arguments of
    ``TaskPage.shipped``: names, columns, metric, title, caption, expander."""
    if task not in SHIPPED_LONG:
        raise ValueError(f"no long-range level for task {task!r}")
    return {"names": dict(SHIPPED_LONG[task]), "columns": dict(SHIPPED_LONG_COLUMNS[task]),
            "metric": SHIPPED_LONG_METRIC[task],
            "title": "Shipped models on the long-range level (x: training steps)",
            "caption": SHIPPED_LONG_CAPTION,
            "expander": "Shipped results on the long-range level (before you train anything)"}
