"""The text-generation lesson's computations: sampling several texts, cleaning typed input, and
finding the hidden unit that tracks something a person can name (line position, quotes).

No Streamlit here: the page (pages/2_Text_generation.py) lays out widgets and calls these.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")     # keeps \t, \n, \r
MAX_INSPECT_TOKENS = 120          # columns a heatmap can show on a projector
COMPARED_FIELDS = ("arch", "hidden", "embed", "layers", "nonlinearity", "dropout", "level")
NEWLINE, SPACE = "⏎", "␣"

# A default text to inspect per corpus: something in the style the model was trained on.
INSPECT_TEXT = {
    "names": "Anna\nMarguerite\nJon\nEvangelina\nLi\nMaximilian\n",
    "prose": 'Simple is better than complex.\nHe said "never" and left.\n',
    "python": 'def greet(name):\n    return "Hello, " + name\n\nx = "a (b) c"\n',
    "numbers": "four thousand, five hundred and twenty-three\nfour thousand, five hundred\n",
}
PRIME = {"names": "", "prose": "The ", "python": "def ", "numbers": "two "}


def clean_text(raw: str | None, max_chars: int) -> tuple[str, list[str]]:
    """Typed text without invisible control characters, cut to ``max_chars``; plus notes."""
    text, notes = raw or "", []
    stripped = _CONTROL.sub("", text).replace("\r\n", "\n")
    if stripped != text.replace("\r\n", "\n"):
        notes.append("Removed invisible control characters (such as NUL bytes) from the text.")
    if len(stripped) > max_chars:
        notes.append(f"The text has {len(stripped):,} characters; only the first {max_chars:,} are used.")
        stripped = stripped[:max_chars]
    elif len(text) >= max_chars:
        # The text box itself cuts a longer paste at its limit, silently: say so.
        notes.append(f"The box holds at most {max_chars:,} characters; a longer text is cut there.")
    return stripped, notes


def visible(token: str) -> str:
    """A token as it can be seen on an axis or a chip: newline and space become symbols."""
    return token.replace("\n", NEWLINE).replace(" ", SPACE) or "∅"


def sample_many(exp, prime: str, n: int, seed: int, **options) -> list[dict]:
    """``n`` samples from the same prime, seeds ``seed .. seed + n - 1`` (reproducible)."""
    return [exp.predict(prime, seed=seed + i, **options) for i in range(max(1, int(n)))]


def continued(prime: str, result: dict) -> str:
    """The priming text and the sample, as one text: a word-level sample is words, so a space
    joins it to a prime that does not already end in one ("the cat" + "sat" = "the cat sat")."""
    text = result.get("text", "")
    sep = "" if (_is_char_level(result) or not prime or not text or prime[-1].isspace()
                 or text[0].isspace()) else " "
    return prime + sep + text


def stopped_early(result: dict, stop: str | None, length: int) -> bool:
    """True when the sample ended on the stop token (the names corpus: a newline ends a name)."""
    steps = result.get("steps") or []
    return bool(stop) and bool(steps) and steps[-1]["token"] == stop and len(steps) <= length


def sample_caption(result: dict, index: int, seed: int, stop: str | None, length: int) -> str:
    """"Sample 2 (seed 1) · ended at a newline ⏎ (one name per line)"."""
    ended = (" · ended at a newline ⏎ (one name per line)"
             if stopped_early(result, stop, length) else "")
    return f"Sample {index + 1} (seed {seed + index}){ended}"


def possible_next(top: list) -> list[tuple[str, float]]:
    """The candidates of a sampling step that could be drawn: probability above 0 after
    temperature, top-k and top-p (the filters set every other token to 0)."""
    return [(t, float(p)) for t, p in top if float(p) > 0.0]


def step_sentence(result: dict, index: int) -> str:
    """What the model chose at step ``index`` and how likely it was."""
    step = result["steps"][index]
    return (f"After `{step_context(result, index)}` the model chose **{visible(step['token'])}** "
            f"(its probability before temperature and filtering: {step['prob']:.2f}).")


def step_context(result: dict, index: int, width: int = 40) -> str:
    """The prime and the tokens generated before step ``index``, last ``width`` characters."""
    sep = "" if _is_char_level(result) else " "
    before = sep.join(s["token"] for s in result["steps"][:index])
    text = (result.get("prime", "") + (sep if result.get("prime") and before and sep else "") + before)
    return visible(text[-width:]) if text else "(start)"


def _is_char_level(result: dict) -> bool:
    return all(len(s["token"]) <= 1 for s in result.get("steps", []))


_VOCAB_SIZES: dict[tuple[str, str], int] = {}
_VOCAB_SIZES_KEPT = 64


def vocab_size(train_text: str, level: str) -> int:
    """|V| of a model built on this training text (for the loss chart's ln V line).

    Remembered by the text's digest, not the text: an lru_cache kept the last 8 training texts
    themselves (uploads of several MB each) alive after their sessions had gone."""
    key = (hashlib.sha256(train_text.encode("utf-8", "surrogatepass")).hexdigest(), level)
    if key not in _VOCAB_SIZES:
        from rnn.tasks.textgen import MAX_WORD_VOCAB, tokenize
        from rnn.data import Vocab
        cap = None if level == "char" else MAX_WORD_VOCAB
        if len(_VOCAB_SIZES) >= _VOCAB_SIZES_KEPT:
            _VOCAB_SIZES.pop(next(iter(_VOCAB_SIZES)), None)
        _VOCAB_SIZES[key] = len(Vocab.build([tokenize(train_text, level)], max_size=cap))
    return _VOCAB_SIZES[key]


# ---- Inspect: a unit that tracks something nameable --------------------------------------------
FEATURES = {
    "position in the line": "characters since the last newline (a name's length so far)",
    "inside quotes": "1 between an opening and a closing quote, else 0",
    "position in the word": "characters since the last space or newline",
}


def feature_series(tokens: list[str], feature: str) -> np.ndarray:
    """The value of a nameable feature at every token, e.g. 'inside quotes' = 0/1."""
    out, count, inside = [], 0, False
    for tok in tokens:
        if feature == "inside quotes":
            if tok in ('"', "'"):
                inside = not inside
            out.append(float(inside))
        else:
            breaks = ("\n",) if feature == "position in the line" else ("\n", " ")
            count = 0 if tok in breaks else count + 1
            out.append(float(count))
    return np.asarray(out, dtype=float)


def best_unit(states: np.ndarray, feature: np.ndarray) -> tuple[int, float]:
    """The unit (column of ``states``, shape (T, H)) most correlated with ``feature``, and r.

    r is signed: a unit may track a feature by going down as well as up. (-1, 0.0) when the
    feature does not vary (then nothing can be correlated with it).
    """
    x = np.asarray(states, dtype=float)
    f = np.asarray(feature, dtype=float)
    if x.ndim != 2 or len(f) != x.shape[0] or f.std() == 0:
        return -1, 0.0
    xc, fc = x - x.mean(0), f - f.mean()
    denom = np.sqrt((xc ** 2).sum(0) * (fc ** 2).sum())
    r = np.divide(xc.T @ fc, denom, out=np.zeros(x.shape[1]), where=denom > 0)
    unit = int(np.argmax(np.abs(r)))
    return unit, float(r[unit])


def trace_view(trace: dict, layer: int = 0) -> dict:
    """The first ``MAX_INSPECT_TOKENS`` tokens of a trace, made visible, with that layer's arrays."""
    tokens = trace["tokens"][:MAX_INSPECT_TOKENS]
    arrays = {k: v[: len(tokens)] for k, v in trace["layers"][layer][0].items()}
    return {"tokens": tokens, "labels": [visible(t) for t in tokens], "arrays": arrays,
            "cut": len(trace["tokens"]) > len(tokens), "total": len(trace["tokens"])}
