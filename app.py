"""Home page: what sequence data is, one-hot vectors of a typed sentence, the RNN taxonomy and
the map of lessons. Run with ``streamlit run app.py``; the lessons live in pages/.
"""
from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from rnn import diagrams
from rnn.lessons.pages import LABS, TASK_LESSONS, Page
from rnn.ui import setup_page, show_diagram

# The home page draws SVG diagrams (rnn.diagrams), not Plotly charts, and no LaTeX: its first
# visit waits neither for plotly, pandas and numpy on the server nor for the Plotly bundle and
# KaTeX in the browser (BENCHMARKS.md, "Start-up, memory and classroom scheduling").

setup_page("Home", ":material/all_inclusive:")

HERE = Path(__file__).resolve().parent
MAX_CHARS = 1000        # longer text is cut: the view shows a handful of words anyway
MAX_TOKENS = 12         # columns of the one-hot matrix that still read on a projector
EMBED_DIM = 4
COMMON_WORDS = ["the", "a", "and", "of", "to", "is", "in", "it", "was", "on"]
DEFAULT_SENTENCE = "Harry Potter and Hermione Granger invented a new spell"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def lesson_link(page: Page) -> None:
    """A link to the lesson if its page exists yet, otherwise its title as plain text."""
    if (HERE / page.path).exists():
        # A page link is one line that cuts long text, so the note goes below it.
        st.page_link(page.path, label=f"**{page.title}**", icon=":material/arrow_forward:")
        st.caption(page.note)
    else:
        st.markdown(f"**{page.title}**: {page.note} *(lesson coming soon)*")


def tokenize(text: str) -> list[str]:
    """The app's word tokenizer (falls back to a simple rule if the data package is missing)."""
    try:
        from rnn.data.tokenize import tokenize_words
    except ImportError:
        return re.findall(r"\w+|[^\w\s]", text)
    return tokenize_words(text)


def clean_sentence(raw: str | None) -> tuple[str, list[str]]:
    """The text to show and the notes to print about what was changed in it."""
    text, notes = raw or "", []
    stripped = _CONTROL.sub("", text)
    if stripped != text:
        notes.append(f"Removed {len(text) - len(stripped)} invisible control character(s) "
                     "(such as NUL bytes) from the text.")
    if len(stripped) > MAX_CHARS:
        notes.append(f"The text has {len(stripped):,} characters; only the first {MAX_CHARS:,} "
                     "are used here.")
        stripped = stripped[:MAX_CHARS]
    return stripped.strip(), notes


def formula(text: str) -> None:
    """A displayed equation in the course notation, as text (no KaTeX to load on this page)."""
    st.markdown(f"<div style='text-align:center;font-size:1.25rem;margin:0.4rem 0 1rem'>"
                f"{text}</div>", unsafe_allow_html=True)


def section_title() -> None:
    st.title("RNN Playground")
    st.markdown("Recurrent neural networks read a sequence one step at a time and keep a memory "
                "of what they have seen. Here you **train them live** and look inside them. "
                "Start below, or pick a lesson in the sidebar.")


def section_sequences() -> None:
    st.header("Sequences: data where order matters")
    st.markdown(
        "A sequence is a list of vectors **x⟨1⟩, x⟨2⟩, …, x⟨T_x⟩** read in order; "
        "**T_x** is its length and changes from one example to the next. Unlike rows of a "
        "table, the elements are not independent: what comes at step *t* can depend on "
        "everything before it, so a model must carry a memory from step to step.")
    cols = st.columns(4)
    # Material icons, not emoji: they ship with Streamlit, so every projector PC can draw them.
    examples = [(":material/article: Text", "words or characters, one per step"),
                (":material/mic: Speech", "short slices of a sound wave"),
                (":material/music_note: Music", "notes or chords over time"),
                (":material/genetics: DNA", "bases A, C, G, T along a strand")]
    for col, (name, what) in zip(cols, examples):
        col.markdown(f"#### {name}\n{what}")
    formula("x = (x⟨1⟩, x⟨2⟩, …, x⟨T_x⟩)")


def section_one_hot() -> None:
    st.header("From words to vectors")
    st.markdown(
        "A network needs numbers. Give every word of a vocabulary *V* an index; word *t* of the "
        "sentence becomes **x⟨t⟩**, a column of |V| zeros with a single 1 at that index. "
        "Type a sentence to see it.")
    raw = st.text_input("Your sentence", DEFAULT_SENTENCE, key="sentence",
                        help="Words are lower-cased; punctuation and emoji count as tokens.")
    text, notes = clean_sentence(raw)
    for note in notes:
        st.warning(note, icon=":material/content_cut:")
    tokens = [t.lower() for t in tokenize(text)]
    if not tokens:
        st.info("Type a sentence with at least one word to see its one-hot vectors.", icon=":material/keyboard:")
        return
    if len(tokens) > MAX_TOKENS:
        st.caption(f"Showing the first {MAX_TOKENS} of {len(tokens)} tokens.")
    shown = tokens[:MAX_TOKENS]
    vocab = diagrams.sentence_vocab(shown, COMMON_WORDS, max_size=len(set(shown)) + 6)
    show_diagram(diagrams.one_hot_svg(shown, vocab))
    st.markdown(
        f"Here |V| = {len(vocab)} (the sentence's words, a few common ones and `<unk>` for "
        "anything else); a real vocabulary has 10,000 words or more, so each x⟨t⟩ is almost all "
        "zeros. That is why the first layer is an **embedding**: a matrix *E* with one column "
        "per word, and multiplying by a one-hot vector simply copies out one column.")
    formula("e⟨t⟩ = E x⟨t⟩   (the column of E for word t)")
    show_diagram(diagrams.embedding_svg(shown, vocab, diagrams.random_embedding(EMBED_DIM, len(vocab))))
    st.caption("E is random here; training adjusts it so that words used alike get similar "
               "columns. Outlined: the columns the sentence picks.")


def section_taxonomy() -> None:
    st.header("Four shapes of recurrent network")
    st.markdown(
        "The same cell is applied at every step, passing its activation **a⟨t⟩** to the next "
        "step. What changes between tasks is where inputs go in and where outputs come out. "
        "Each shape has a lesson:")
    for row in (TASK_LESSONS[:2], TASK_LESSONS[2:]):
        for col, page in zip(st.columns(2), row):
            with col:
                show_diagram(diagrams.taxonomy_svg(page.shape))
                lesson_link(page)
    st.markdown("Three more lessons look inside the networks:")
    for page in LABS:
        lesson_link(page)


def section_how_to() -> None:
    st.header("How to use the playground")
    st.markdown(
        "- **Sidebar**: pick a lesson, then the cell (vanilla RNN, leaky unit, echo state network, GRU, LSTM), its size and the "
        "training settings. The address bar keeps your choices: copy it to share an experiment.\n"
        "- **Learn**: the equations and the idea, in the notation used above.\n"
        "- **Train**: press Start and watch the loss fall live; Stop at any time. Every lesson "
        "opens with a ready, pretrained model, so you never have to wait.\n"
        "- **Try**: type your own input and see the prediction.\n"
        "- **Inspect**: hidden states, gates and attention, token by token.\n"
        "- **Compare**: vanilla RNN vs GRU vs LSTM on the same data and seed, on one chart.")


def section_notation() -> None:
    st.header("One notation")
    st.markdown((HERE / "rnn" / "lessons" / "text" / "notation.md").read_text(encoding="utf-8"))


section_title()
section_sequences()
section_one_hot()
section_taxonomy()
section_how_to()
section_notation()
