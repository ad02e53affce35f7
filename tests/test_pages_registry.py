"""Every page is named once (rnn/lessons/pages.py): the registry matches the scripts in pages/,
and no other code in rnn/, app.py or pages/ spells a page's file name."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from rnn.lessons.challenges import ALL
from rnn.lessons.course import OWN, steps
from rnn.lessons.pages import HOME, PAGES, page_of_file, page_title

ROOT = Path(__file__).resolve().parents[1]
FILE_NAME = re.compile(r"\d+_[A-Z]\w*\.py|pages/")


def test_the_registry_names_every_script_and_only_those():
    scripts = {p.name for p in (ROOT / "pages").glob("*.py")}
    assert {p.file for p in PAGES.values()} == scripts | {HOME}
    assert all((ROOT / p.path).exists() for p in PAGES.values())
    assert PAGES["home"].path == "app.py" and PAGES["ner"].path == "pages/1_Named_entities.py"
    assert page_of_file("/x/pages/5_Bidirectional.py") is PAGES["bidirectional"]
    assert page_title("7_Memory_and_gates.py") == "Memory and gates" and page_title(HOME) == "Home"


def test_every_question_names_a_registered_page_and_the_course_opens_it():
    files = {p.file for p in PAGES.values()}
    assert {c.page for c in ALL.values()} | {c.page for c in OWN.values()} <= files
    for key, c in ALL.items():                     # a page's bank is that page's questions
        assert PAGES[key.split(".")[0]].file == c.page
    assert all(step.page_path == page_of_file(step.page).path for step in steps())


def _code_strings(path: Path) -> list[str]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and id(n) not in docs]


def test_no_code_outside_the_registry_spells_a_page_file_name():
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
             *sorted((ROOT / "rnn").rglob("*.py"))]
    offenders = [f"{p.relative_to(ROOT)}: {s!r}" for p in files
                 if p != ROOT / "rnn" / "lessons" / "pages.py"
                 for s in _code_strings(p) if FILE_NAME.search(s)]
    assert offenders == []
    banks = sorted((ROOT / "rnn" / "lessons" / "questions").glob("*.toml"))
    assert banks and not [b.name for b in banks if FILE_NAME.search(b.read_text(encoding="utf-8"))]
