"""The app's pages, each named once: its key, script file, title, icon, menu label and the home
page's note. The sidebar menu, the home page's map of lessons, the page links, the course path
(``st.switch_page``) and the question banks (``rnn/lessons/questions/*.toml``) all read it here.

    PAGES["ner"].path        "pages/1_Named_entities.py"  (st.page_link / st.switch_page)
    PAGES["ner"].file        "1_Named_entities.py"        (a Challenge's ``page``)
    page_of_file(name)       the Page of a script file name or path

No Streamlit and no torch here: the classroom page imports this on every poll.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One script of the app."""
    key: str            # the question bank's name and the challenges' key prefix ("ner")
    file: str           # the script's file name ("1_Named_entities.py"; "app.py" for Home)
    title: str          # the page's title ("Named entities")
    icon: str
    menu: str           # the sidebar menu's label ("1 · Named entities")
    note: str = ""      # what the lesson does, one line (the home page's map)
    shape: str = ""     # the RNN shape a task page teaches ("many-to-many"), for the home page

    @property
    def path(self) -> str:
        """The script as st.page_link and st.switch_page name it: "app.py" or "pages/<file>"."""
        return self.file if self.file == HOME else f"pages/{self.file}"


HOME = "app.py"
_ALL = (
    Page("home", HOME, "Home", ":material/home:", "Home"),
    Page("ner", "1_Named_entities.py", "Named entities", ":material/person_search:",
         "1 · Named entities", "Tag every word: is it part of a person’s name?", "many-to-many"),
    Page("textgen", "2_Text_generation.py", "Text generation", ":material/edit_note:",
         "2 · Text generation", "A language model writes one token after another.", "one-to-many"),
    Page("sentiment", "3_Sentiment.py", "Sentiment", ":material/sentiment_satisfied:",
         "3 · Sentiment", "Read a whole review, give one verdict.", "many-to-one"),
    Page("translation", "4_Translation.py", "Translation", ":material/translate:",
         "4 · Translation", "Read a sentence in one language, write it in another.",
         "encoder-decoder"),
    Page("bidirectional", "5_Bidirectional.py", "Bidirectional", ":material/swap_horiz:",
         "5 · Bidirectional", "Why reading right to left as well helps."),
    Page("gradflow", "6_Gradient_flow.py", "Gradient flow", ":material/trending_down:",
         "6 · Gradient flow", "Vanishing and exploding gradients, and what stops them."),
    Page("gates", "7_Memory_and_gates.py", "Memory and gates", ":material/memory:",
         "7 · Memory and gates", "Why GRU and LSTM carry a word across a long gap."),
    Page("classroom", "8_Classroom.py", "Classroom", ":material/co_present:",
         "Classroom: the course"),
)
PAGES: dict[str, Page] = {p.key: p for p in _ALL}
TASK_LESSONS = tuple(p for p in _ALL if p.shape)              # the four shapes, in course order
LABS = tuple(PAGES[k] for k in ("bidirectional", "gradflow", "gates"))


def page_of_file(name: str) -> Page | None:
    """The page whose script is ``name`` (a file name or a path, ``__file__`` too), or None."""
    file = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    return next((p for p in _ALL if p.file == file), None)


def page_title(name: str) -> str:
    """The title of the page whose script is ``name`` ("Named entities", "Home"); for a file the
    registry does not know, its name read as a title."""
    page = page_of_file(name)
    if page is not None:
        return page.title
    return str(name).removesuffix(".py").split("_", 1)[-1].replace("_", " ")
