"""The translation lesson's computations: example sources, attention labels that match the
weights, the encoder trace of a typed source, and the attention race (none vs dot vs additive)
scored by source length.

No Streamlit here: the page (pages/4_Translation.py) lays out widgets and calls these.
"""
from __future__ import annotations


import torch

from rnn.data import TRANSLATION_SETS, DataFormatError
from rnn.data.tokenize import tokens_for
from rnn.lessons.common import a_cell
from rnn.models.config import ModelConfig
from rnn.models.features import pad_ids
from rnn.tasks.base import trace_to_numpy

MAX_SOURCE_TOKENS = 60          # longer inputs are cut: the model never saw anything near this
EOS_LABEL = "<eos>"

EXAMPLES = {
    "numbers": ["three hundred and twelve", "seven thousand, four hundred and ninety-one",
                "eighty", "two thousand and twenty-four", "nine thousand, nine hundred and ninety-nine"],
    "dates": ["Wednesday, March 3rd 2021", "1st December 2019", "tuesday 26 aug 2092",
              "Monday, January 31st 2000"],
}

COMPARED_FIELDS = ("arch", "hidden", "embed", "layers", "bidirectional", "nonlinearity", "dropout",
                   "attention")
SHIFT_NOTE = ("Each row is one output word ŷ⟨t⟩; its weights α⟨t,t′⟩ were computed from the "
              "decoder's previous state s⟨t−1⟩, before the word was chosen, so the bright cells can "
              "sit one source word early. That is how attention works here, not an error.")
INSPECT_NOTE = ("The encoder's states a⟨t′⟩, one column per source token. The last column is all "
                "the decoder gets without attention (through the bridge); with attention it can "
                "read every column.")
RACE_INTRO = ("First chart: the two shipped LSTMs, one without attention and one with additive "
              "attention. Your race below trains the same model three times: without attention, "
              "with dot and with additive attention, each for the same number of training steps. "
              "Long inputs are where the bottleneck hurts; the **dates** set has the longest.")


SHIPPED_PAIR_TITLE = "Shipped LSTMs on numbers: exact match by source length"
SHIPPED_PAIR = {"no attention": "translation-lstm-none", "additive attention": "translation-lstm"}


def pretrained_for(config: ModelConfig) -> str | None:
    """The shipped model closest to the sidebar: the no-attention LSTM when attention is off."""
    from rnn.pretrained import pretrained_name
    if config.attention == "none" and config.arch == "lstm":
        return SHIPPED_PAIR["no attention"]
    return pretrained_name("translation", config.arch)


def train_intro(config: ModelConfig, data_name: str, options: dict) -> str:
    article, name = a_cell(config.arch).split(" ", 1)
    return (f"Train {article} **{name}** encoder-decoder with **{config.attention}** "
            f"attention on **{data_name}**, teacher forcing {options.get('teacher_forcing', 1.0):g}.")


def hypothesis_rows(result: dict) -> list[dict]:
    """Beam search's kept hypotheses, best first: text, log-probability, length, score."""
    return [{"rank": i + 1, "translation": h["text"], "log-probability": round(h["logp"], 3),
             "tokens": h["length"], "score (length-normalised)": round(h["score"], 3)}
            for i, h in enumerate(result.get("hypotheses") or [])]


# The race: one label per attention kind (the label is also the compare panel's run name).
RACE = {"no attention": "none", "dot attention": "dot", "additive attention": "additive"}


def examples(dataset: str) -> list[str]:
    """Example sources for a dataset (the data's own example first), for the Try box."""
    own = TRANSLATION_SETS.get(dataset, {}).get("example")
    out = list(EXAMPLES.get(dataset, []))
    if own and own[0] not in out:
        out.insert(0, own[0])
    return out


# Tokens a data set never contains because its generator drops them: typed text loses them too,
# with a note, instead of reaching the model as unknown words (num2words' thousands comma).
DROPPED = {"numbers": (",", "the numbers were written without the thousands comma in training, so "
                            "commas are left out")}


def drop_unseen_punctuation(text: str, dataset: str) -> tuple[str, str | None]:
    """``text`` without the characters ``dataset`` never has, and a note if any were removed."""
    if dataset not in DROPPED:
        return text, None
    char, why = DROPPED[dataset]
    return (text.replace(char, ""), why[:1].upper() + why[1:] + ".") if char in text else (text, None)


def is_char_level(dataset: str) -> bool:
    return TRANSLATION_SETS.get(dataset, {}).get("src_join", " ") == ""


def source_tokens(text: str, dataset: str) -> list[str]:
    """The source as the model reads it: characters for char-level sets, else words."""
    tokens = tokens_for(text, "" if is_char_level(dataset) else " ")
    return tokens[:MAX_SOURCE_TOKENS]


def cut_source(text: str, dataset: str) -> tuple[str, bool]:
    """``text`` cut to MAX_SOURCE_TOKENS tokens (and whether it was cut)."""
    tokens = source_tokens(text, dataset)
    full = tokens_for(text, "" if is_char_level(dataset) else " ")
    if len(full) <= len(tokens):
        return text, False
    return ("" if is_char_level(dataset) else " ").join(tokens), True


def attention_axes(result: dict) -> tuple[list[str], list[str]] | None:
    """(source labels, output labels) that match ``result["attention"]``'s (T_out, S) shape.

    The decoder also attends on the step where it writes <eos>, so the weights usually have one
    row more than the output has tokens; that row is labelled <eos>. None if there is no attention.
    """
    weights = result.get("attention")
    if weights is None:
        return None
    rows = len(weights)
    out = list(result["tokens"])
    if rows == len(out) + 1:
        out.append(EOS_LABEL)
    src = [t if t.strip() else "␣" for t in result["src_tokens"]]
    return (src, out) if rows == len(out) else None


@torch.no_grad()
def encoder_trace(exp, text: str) -> dict:
    """The encoder's states and gates on a typed source, tokenised as the model reads it.

    (``Experiment.trace`` always splits into words; the dates set is read character by
    character, so the page uses this instead.)
    """
    tokens = source_tokens(text, exp.dataset)
    if not tokens:
        raise DataFormatError("type a sentence to inspect")
    model = exp.model
    model.eval()
    words, lengths = pad_ids([exp.vocabs["src"].encode(tokens)])
    trace = model.encoder.trace(model.src_embedding(words), lengths)
    return trace_to_numpy(trace, [t if t.strip() else "␣" for t in tokens])


def length_scores(runs: dict) -> dict:
    """{label: {source length: exact match}} on the validation set, for runs that have trained."""
    scores = {}
    for label, exp in runs.items():
        if exp is None or not exp.history.trained:
            continue
        result = exp.evaluate("val")
        scores[label] = {int(k): float(v) for k, v in result.get("exact_match_by_length", {}).items()}
    return scores
