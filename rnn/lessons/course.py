"""The course path: the whole course as one ordered list of steps, in the order the notes teach it.

sequence data and one-hot → the RNN cell and parameter sharing → the taxonomy → named entities →
language models and sampling → sentiment → BPTT, vanishing and exploding gradients → clipping →
gates (GRU, LSTM) → bidirectional → deep RNNs → encoder-decoder, bottleneck, attention, teacher
forcing → beam search.

Each step is one predict-first question, a ``Challenge``: the pages' own questions are referred to
by key and taken from ``rnn.lessons.challenges.ALL`` (the very objects the pages show, so the page
and the course never drift apart); topics that no page asks about yet are defined here, each with
a claim that ``tests/test_contracts.py`` measures (the measurements are in
``tests/contracts/course.py``).

No Streamlit and no torch here: the classroom page imports this on every poll.
"""
from __future__ import annotations

from dataclasses import dataclass

from rnn.lessons.challenge_schema import Challenge, load_questions
from rnn.lessons.pages import page_of_file, page_title


@dataclass(frozen=True)
class Step:
    """One screen of the course: which topic of the notes it teaches, and its question."""
    topic: str
    challenge: Challenge

    @property
    def key(self) -> str:
        return self.challenge.key

    @property
    def page(self) -> str:
        return self.challenge.page

    @property
    def page_path(self) -> str:
        """The script st.switch_page opens: "app.py" or "pages/<file>" (rnn.lessons.pages)."""
        return page_of_file(self.page).path

    @property
    def page_title(self) -> str:
        return page_title(self.page)


# ---- the course's own questions (topics no page asks about) -------------------------------------
# The course's own questions (topics no page asks about): rnn/lessons/questions/course.toml.
ONEHOT, SHARING, TAXONOMY, DEEP, BEAM = load_questions("course")
OWN = {c.key: c for c in (ONEHOT, SHARING, TAXONOMY, DEEP, BEAM)}

# ---- the path -----------------------------------------------------------------------------------
# (topic, challenge key), in the notes' order. Keys other than "course.*" are the pages' questions.
PATH: tuple[tuple[str, str], ...] = (
    ("Sequence data and one-hot vectors", "course.onehot"),
    ("The RNN cell and parameter sharing", "course.parameter_sharing"),
    ("The four shapes of RNN", "course.taxonomy"),
    ("Named entities: many-to-many", "ner.unseen_names"),
    ("Named entities: what the spelling adds", "ner.no_spelling"),
    ("Named entities: capital letters", "ner.lowercase"),
    ("Language models: sampling with temperature", "textgen.temperature_high"),
    ("Language models: low temperature", "textgen.temperature_low"),
    ("Language models: top-k sampling", "textgen.top_k"),
    ("Language models: greedy decoding", "textgen.greedy"),
    ("Sentiment: many-to-one", "sentiment.not_good"),
    ("Sentiment: where the verdict turns", "sentiment.but"),
    ("Sentiment: a long review", "sentiment.long_review"),
    ("BPTT: vanishing and exploding gradients", "gradflow.radius_up"),
    ("Gradient clipping", "gradflow.relu_clipping"),
    ("Gates: GRU and LSTM remember longer", "gradflow.sweep"),
    ("Gates: which cell learns fastest", "sentiment.cell_race"),
    ("Gates: which memory fails first", "gates.falls_first"),
    ("Gates: the memory unit", "gates.memory_unit"),
    ("Gates: echo state networks", "gates.esn_vs_rnn"),
    ("Gates: trained on short sentences only", "gates.short_only"),
    ("Gates: how far an echo state network remembers", "gates.esn_short"),
    ("Gates: leaky units", "gates.leaky"),
    ("Bidirectional RNNs: why read both ways", "ner.teddy_unidirectional"),
    ("Bidirectional RNNs: minimal pairs", "bidirectional.jordan"),
    ("Bidirectional RNNs: ambiguous words", "bidirectional.ambiguous_accuracy"),
    ("Bidirectional RNNs: does the cell matter", "bidirectional.rnn_cell"),
    ("Deep RNNs", "course.deep_rnn"),
    ("Deep RNNs: does depth help", "gates.depth"),
    ("Encoder-decoder: the bottleneck", "translation.length_race"),
    ("Attention", "translation.attention_ninety"),
    ("Teacher forcing", "translation.teacher_forcing"),
    ("Beam search", "course.beam_search"),
)


def all_challenges() -> dict[str, Challenge]:
    """The pages' questions (``rnn.lessons.challenges.ALL``) and the course's own."""
    try:
        from rnn.lessons.challenges import ALL
    except ImportError:                  # the pages' catalogue is not there: the course's own only
        ALL = {}
    return {**ALL, **OWN}


def steps() -> list[Step]:
    """The course, in order.

    A key of PATH that no challenge has (a page whose questions have not landed yet) is left out;
    a page question that PATH does not place yet goes right after the last step from its page, so
    a question added to a page is never missing from the course."""
    known = all_challenges()
    path = [Step(topic, known[key]) for topic, key in PATH if key in known]
    placed = {step.key for step in path}
    for key, ch in known.items():
        if key in placed:
            continue
        same_page = [i for i, step in enumerate(path) if step.page == ch.page]
        at = same_page[-1] + 1 if same_page else len(path)
        path.insert(at, Step(page_title(ch.page), ch))
        placed.add(key)
    return path


def missing() -> list[str]:
    """Keys of PATH whose page has questions in the catalogue but not this one (a renamed key)."""
    known = all_challenges()
    return [key for _, key in PATH if key not in known
            and any(k.split(".")[0] == key.split(".")[0] for k in known)]


def find(key: str) -> Challenge | None:
    """The challenge with ``key`` (a poll's question), or None."""
    return all_challenges().get(key)


def index_of(key: str, path: list[Step] | None = None) -> int | None:
    for i, step in enumerate(path if path is not None else steps()):
        if step.key == key:
            return i
    return None
