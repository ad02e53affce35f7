"""The course path: the whole course as one ordered list of steps, in the order the notes teach it.

sequence data and one-hot → the RNN cell and parameter sharing → the taxonomy → named entities →
language models and sampling → sentiment → BPTT, vanishing and exploding gradients → clipping →
gates (GRU, LSTM) → bidirectional → deep RNNs → encoder-decoder, bottleneck, attention, teacher
forcing → beam search.

Each step is one predict-first question, a ``Challenge``: the pages' own questions are referred to
by key and taken from ``rnn.lessons.challenges.ALL`` (the very objects the pages show, so the page
and the course never drift apart); topics that no page asks about yet are defined here, each with
a claim that ``tests/test_contract_course.py`` measures (the measurements are in
``rnn.lessons.course_checks``).

No Streamlit and no torch here: the classroom page imports this on every poll.
"""
from __future__ import annotations

from dataclasses import dataclass

from rnn.lessons.challenge import Challenge

HOME = "app.py"


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
        """The script st.switch_page opens: "app.py" or "pages/<file>"."""
        return HOME if self.page == HOME else f"pages/{self.page}"

    @property
    def page_title(self) -> str:
        return page_title(self.page)


def page_title(page: str) -> str:
    """ "Named entities" from "1_Named_entities.py"; "Home" for app.py."""
    if page == HOME:
        return "Home"
    return page.removesuffix(".py").split("_", 1)[-1].replace("_", " ")


# ---- the course's own questions (topics no page asks about) -------------------------------------
ONEHOT = Challenge(
    key="course.onehot", page=HOME, tab="",
    question="The vocabulary has 10,000 words. How many of the 10,000 numbers in x⟨t⟩, the one-hot "
             "vector of the word “a”, are not zero?",
    choices=("None of them", "Exactly one", "About a hundred", "All 10,000"), answer=1,
    hint="x⟨t⟩ is all zeros except a single 1 at the word's index in the vocabulary. So the first "
         "layer's product E·x⟨t⟩ does no arithmetic at all: it copies out one column of E, the "
         "word's embedding (PyTorch's nn.Embedding stores E transposed and picks a row).",
    claim="Every one-hot column the home page draws has exactly one 1, and for the shipped tagger's "
          "vocabulary (over 1,000 words) E·x⟨t⟩ equals the embedding row the model looks up.",
    contract="course_checks.onehot")

SHARING = Challenge(
    key="course.parameter_sharing", page=HOME, tab="",
    question="The same RNN reads a 5-word sentence and a 50-word sentence. How many matrices W_aa "
             "does it use for the 50-word one?",
    choices=("One W_aa, the same at every step", "50, one per word", "10 times as many as for 5 words",
             "None: W_aa is only used in training"), answer=0,
    hint="a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a) uses the same W_aa, W_ax and b_a at every step: "
         "the unrolled network is one cell copied along time. That is why an RNN reads sentences of "
         "any length with a fixed number of parameters (PyTorch calls them weight_hh, weight_ih and "
         "bias_ih + bias_hh).",
    claim="Unrolling a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a) by hand with the shipped vanilla "
          "RNN's one set of weights reproduces its a⟨t⟩ at every step of a 5-step and a 50-step "
          "input, and the model has the same number of parameters for both.",
    contract="course_checks.parameter_sharing")

TAXONOMY = Challenge(
    key="course.taxonomy", page=HOME, tab="",
    question="Sentiment analysis reads a whole review and gives one verdict. Which shape of RNN is it?",
    choices=("One-to-many", "Many-to-one", "Many-to-many, one output per word", "Encoder-decoder"),
    answer=1,
    hint="Many inputs x⟨1⟩…x⟨T_x⟩, one output ŷ after the last word: many-to-one. Named entities "
         "is many-to-many (one ŷ⟨t⟩ per word), text generation writes a sequence, translation reads "
         "everything and then writes (encoder-decoder).",
    claim="The shipped sentiment model returns one output per review whatever its length, while the "
          "shipped named-entity tagger returns one output per word.",
    contract="course_checks.taxonomy")

DEEP = Challenge(
    key="course.deep_rnn", page="1_Named_entities.py", tab="Train", state={"ner_layers": 2},
    question="Stack a second recurrent layer on top of the first. What does layer 2 read at step t?",
    choices=("The word x⟨t⟩, like layer 1", "Layer 1's activation a[1]⟨t⟩",
             "Only layer 1's last activation a[1]⟨T_x⟩", "Nothing: it only uses its own a[2]⟨t−1⟩"),
    answer=1,
    hint="In a deep RNN layer l reads the sequence a[l−1]⟨1⟩…a[l−1]⟨T_x⟩ that layer l−1 wrote, as "
         "if it were the input: each layer has its own W_aa and W_ax, shared across time but not "
         "across layers. (PyTorch: weight_hh_l0, weight_hh_l1, … one per layer.)",
    claim="A 2-layer tagger built by the page has one W_aa per layer (not per step), layer 2's W_ax "
          "has one column per unit of layer 1's activation, and changing layer 1's activations "
          "changes layer 2's output.",
    contract="course_checks.deep_rnn")

BEAM = Challenge(
    key="course.beam_search", page="4_Translation.py", tab="Try",
    state={"translation_arch": "RNN", "tr_decoding": "beam", "tr_beam": 5,
           "tr_source": "one thousand one hundred"},
    question="Beam search keeps the k = 5 best partial translations at every step instead of only "
             "the best one (greedy). On the shipped number translator, how often does it change "
             "greedy's translation?",
    choices=("On most inputs", "On about half of them",
             "Rarely; and when it does, its translation scores higher", "Never"), answer=2,
    hint="A well-trained model is so sure of each next word that greedy's choice is usually already "
         "the best sentence: beam search changes about one input in a hundred. When it does, the "
         "score it maximises (the log-probability divided by length^0.7) is higher, but higher is "
         "not always right: for “one thousand one hundred” it prefers “mille cent un” to greedy's "
         "correct “mille cent”. Beam search finds what the model likes best; it cannot fix the model.",
    claim="On the first 150 test inputs of the shipped vanilla-RNN translator, beam search (k = 5) "
          "never scores lower than greedy and changes the output on at least one input and at most "
          "10 % of them.",
    contract="course_checks.beam_search")

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
