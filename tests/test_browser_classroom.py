"""A class in real Chromium: one teacher on the projector (1280×720, presenter view) and three
students on phones (390×844), each in their own browser context (own cookies, own session).
The students vote, the teacher's live chart counts them, the teacher reveals, every student sees
the answer. Set RNN_PLAYGROUND_SHOTS=<folder> to keep the screenshots of both views."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from browser import chromium, wait_ready
from rnn.lessons import course

pytestmark = pytest.mark.timeout(600)
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
CODE = re.compile(r"\b([A-Z2-9]{4})-([A-Z2-9]{4})\b")


@pytest.fixture(scope="module")
def db(app_server):
    return app_server.classroom_db           # the suite's app server's (tests/conftest.py)


@pytest.fixture(scope="module")
def server(app_server):
    return app_server.url


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


def shot(page, name: str, full_page: bool = False) -> None:
    folder = os.environ.get("RNN_PLAYGROUND_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        wait_ready(page)
        page.wait_for_timeout(1500)              # let a poll's fragment finish drawing
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


def no_exception(page) -> None:
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()


def fits_the_width(page) -> None:
    """Nothing runs off the right edge (a phone must not scroll sideways)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"


def test_teacher_and_three_students_vote_and_see_the_reveal(browser, server):
    step = course.steps()[0].challenge
    teacher_ctx = browser.new_context(viewport=PROJECTOR)
    teacher_ctx.set_default_timeout(90_000)        # a shared CI machine can be slow to serve
    teacher = teacher_ctx.new_page()
    teacher.goto(f"{server}/Classroom?presenter=1")
    wait_ready(teacher)
    teacher.get_by_text(step.question).first.wait_for(timeout=60_000)
    teacher.get_by_role("button", name="Start a live class").click()
    teacher.get_by_text("Join:").first.wait_for(timeout=60_000)
    code = "".join(CODE.search(teacher.locator("[data-testid='stMain']").inner_text()).groups())
    teacher.locator("[data-testid='stImage'] img").first.wait_for(timeout=60_000)   # the QR code
    teacher.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    no_exception(teacher)

    students, contexts = [], []
    for i in range(3):
        ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        ctx.set_default_timeout(90_000)
        page = ctx.new_page()
        page.goto(f"{server}/Classroom?room={code[:4].lower()}-{code[4:].lower()}")
        wait_ready(page)
        page.get_by_text(step.question).first.wait_for(timeout=60_000)
        fits_the_width(page)
        if i == 0:
            shot(page, "student_question_390x844")
        choice = i % 2
        page.get_by_role("button", name=f"({chr(97 + choice)}) {step.choices[choice]}").click()
        page.get_by_text("Answer sent").first.wait_for(timeout=60_000)
        assert page.get_by_role("button", name=re.compile(r"^\(a\) ")).count() == 0   # one vote
        no_exception(page)
        students.append(page)
        contexts.append(ctx)

    # the teacher's chart counts the three votes without anyone touching the teacher's page
    teacher.get_by_text("3 of 3 students have answered").first.wait_for(timeout=60_000)
    bars = teacher.locator(".js-plotly-plot text.bartext").evaluate_all(
        "els => els.map(e => e.textContent)")
    assert any(t.startswith("2") for t in bars) and any(t.startswith("1") for t in bars), bars
    shot(teacher, "presenter_votes_1280x720")

    teacher.get_by_role("button", name="Reveal").click()
    teacher.get_by_text(f"Answer: ({chr(97 + step.answer)})").first.wait_for(timeout=60_000)
    shot(teacher, "presenter_reveal_1280x720")
    for i, page in enumerate(students):
        page.get_by_text(f"Answer: ({chr(97 + step.answer)})").first.wait_for(timeout=60_000)
        verdict = "You got it." if i % 2 == step.answer else "Not this time"
        assert page.get_by_text(verdict).first.is_visible()
        fits_the_width(page)
        no_exception(page)
    shot(students[0], "student_reveal_390x844", full_page=True)
    for ctx in contexts:
        ctx.close()
    teacher_ctx.close()


def test_a_course_step_opens_its_page_tab_and_settings(browser, server):
    """The course's button opens the step's page on its tab with the widgets it needs set."""
    steps = course.steps()
    k = next(i for i, s in enumerate(steps) if s.key == "course.deep_rnn")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(90_000)
    page = ctx.new_page()
    page.goto(f"{server}/Classroom")
    wait_ready(page)
    box = page.get_by_role("combobox").first
    box.click()
    box.type(f"{k + 1}. {steps[k].topic}")     # the list is long: type to filter, as a person would
    page.get_by_role("option", name=f"{k + 1}. {steps[k].topic}").click()
    page.get_by_text(steps[k].challenge.question).first.wait_for()
    page.get_by_role("button", name=re.compile(r"^Open the experiment")).click()
    page.wait_for_url(re.compile(r"/Named_entities"))
    wait_ready(page)
    page.wait_for_function("() => location.search.includes('ner_layers=2')", timeout=30_000)
    assert "tab=Train" in page.url                       # the address is the whole experiment
    assert page.get_by_role("tab", name="Train", selected=True).count() == 1
    layers = page.locator("[data-testid='stSlider']", has_text="Stacked layers")
    assert layers.locator("[data-testid='stSliderThumbValue']").inner_text().strip() == "2"
    no_exception(page)
    ctx.close()


def test_one_phone_two_tabs_one_vote(browser, server, db):
    """A student opens the join link, then opens it again in a second tab (no id in the address)
    and presses an answer in both: the class counts one student and one vote, and a reload of
    either tab shows the first answer with no buttons."""
    from rnn.classroom import SQLiteStore

    store = SQLiteStore(db)
    step = course.steps()[0]
    code = store.create_room(step.key, 0).room.code
    link = f"{server}/Classroom?room={code}"
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(90_000)
    tabs = []
    for _ in range(2):
        page = ctx.new_page()
        page.goto(link)
        page.get_by_text(step.challenge.question).first.wait_for(timeout=60_000)
        wait_ready(page)
        assert "me=" not in page.url                  # the identity is not in the address
        tabs.append(page)
    first, second = tabs
    # both tabs show the buttons: press (a) in one and, at once, (b) in the other (the second
    # tab has not yet re-read the room, so it still offers its buttons)
    first.get_by_role("button", name=f"(a) {step.challenge.choices[0]}").click()
    second.get_by_role("button", name=f"(b) {step.challenge.choices[1]}").click(timeout=5_000)
    said = []
    for page in tabs:           # one tab's vote is stored, the other is told it came second
        page.get_by_text(re.compile("Answer sent|You had already answered")).first.wait_for(
            timeout=60_000)
        wait_ready(page)
        said.append("You had already answered" in page.locator("[data-testid='stMain']").inner_text())
        no_exception(page)
    assert sorted(said) == [False, True], said
    counts = store.tally(code, step.key, len(step.challenge.choices))
    assert store.student_count(code) == 1 and sum(counts) == 1, counts
    kept = counts.index(1)                          # (a) or (b): whichever reached the server first
    for page in tabs:                               # reloaded: that answer, no buttons
        page.reload()
        page.get_by_text("your answer").first.wait_for(timeout=60_000)
        wait_ready(page)
        assert page.get_by_role("button", name=re.compile(r"^\([a-d]\) ")).count() == 0
        mine = page.get_by_text("your answer").first.inner_text()
        assert f"({chr(97 + kept)}) {step.challenge.choices[kept]}" in mine
    shot(second, "student_second_tab_390x844")
    ctx.close()
    # another phone (its own browser) is another student
    other = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = other.new_page()
    page.goto(link)
    page.get_by_role("button", name=f"(b) {step.challenge.choices[1]}").click(timeout=90_000)
    page.get_by_text("Answer sent").first.wait_for(timeout=60_000)
    assert store.student_count(code) == 2
    assert sum(store.tally(code, step.key, len(step.challenge.choices))) == 2
    other.close()


FITS = """() => { const m = document.querySelector("[data-testid='stMain']");
  return [m.scrollHeight - m.clientHeight, m.scrollWidth - m.clientWidth]; }"""


def test_the_presenter_view_fits_1280x720_on_the_longest_steps(browser, server):
    """The projector shows a whole step without scrolling or cutting anything off: the steps with
    the longest question and choices (before the reveal) and the longest explanation (after it),
    with the live chart, the QR code and the join link beside them."""
    steps = course.steps()

    def asked(s):
        return len(s.challenge.question) + sum(len(c) for c in s.challenge.choices)

    def answered(s):
        return len(s.challenge.question) + len(s.challenge.hint) + len(s.challenge.right_choice or "")

    picks = sorted({max(range(len(steps)), key=lambda i: asked(steps[i])),
                    max(range(len(steps)), key=lambda i: answered(steps[i])),
                    *sorted(range(len(steps)), key=lambda i: -answered(steps[i]))[:3]})
    ctx = browser.new_context(viewport=PROJECTOR)
    ctx.set_default_timeout(90_000)
    page = ctx.new_page()
    page.goto(f"{server}/Classroom?presenter=1")
    wait_ready(page)
    page.get_by_role("button", name="Start a live class").click()
    page.get_by_text("Join:").first.wait_for()
    for k in picks:
        page.get_by_role("button", name=re.compile("More")).click()
        box = page.get_by_role("combobox").first
        box.click()
        box.type(f"{k + 1}. {steps[k].topic}")
        page.get_by_role("option", name=f"{k + 1}. {steps[k].topic}").click()
        page.get_by_text(f"Step {k + 1} of {len(steps)}").first.wait_for()
        page.keyboard.press("Escape")
        for phase in ("question", "answer"):
            if phase == "answer":
                page.get_by_role("button", name="Reveal").click()
                page.get_by_text("Answer: (").first.wait_for()
            wait_ready(page)
            page.locator(".js-plotly-plot").first.wait_for()
            page.wait_for_timeout(700)                 # the chart's fragment has drawn
            over_y, over_x = page.evaluate(FITS)
            assert over_y <= 2 and over_x <= 2, (k + 1, phase, over_y, over_x)
            no_exception(page)
        shot(page, f"presenter_step{k + 1}_1280x720")
    ctx.close()


def test_a_malformed_cookie_is_replaced_and_the_phone_can_vote(browser, server, db):
    from rnn.classroom import SQLiteStore

    store = SQLiteStore(db)
    step = course.steps()[0]
    code = store.create_room(step.key, 0).room.code
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(90_000)
    ctx.add_cookies([{"name": "rnn_student", "value": "x", "url": server}])
    page = ctx.new_page()
    page.goto(f"{server}/Classroom?room={code}")
    page.get_by_role("button", name=f"(a) {step.challenge.choices[0]}").click()
    page.get_by_text("Answer sent").first.wait_for()
    kept = {c["name"]: c["value"] for c in ctx.cookies()}["rnn_student"]
    assert kept != "x" and re.fullmatch(r"[A-Za-z0-9_-]{8,64}", kept)
    assert store.my_vote(code, kept, step.key) == 0
    ctx.close()
