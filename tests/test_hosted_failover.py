"""A replica killed in the middle of a class, in the hosted set-up (bench/hosted.py: HAProxy with
cookie stickiness in front of two ``streamlit run`` replicas, polls in PostgreSQL), driven by real
Chromium as a student's phone: the student votes, the replica serving that phone is killed
(SIGKILL), the page reconnects on its own through the proxy to the other replica, and the student
is still the same student with the same single vote. Losing the session's state is acceptable;
the polls are not. bench/failover.py measures the same faults at class size."""
from __future__ import annotations

import os
import re
import shutil

import pytest

from browser import chromium, require_browser, wait_ready
from rnn.lessons import course
from services import _missing

pytestmark = pytest.mark.timeout(600)
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def hosted():
    require_browser()
    from bench.services import postgres_available
    if not postgres_available():
        _missing("PostgreSQL")
    if shutil.which("haproxy") is None and not os.path.exists("/usr/sbin/haproxy"):
        _missing("HAProxy")
    from bench.hosted import Hosted
    with Hosted(replicas=2, workers=1, jobs="local", db="postgresql", tag="pytest_failover") as h:
        yield h


def served_by(context) -> str:
    """Which replica the proxy pinned this browser to (HAProxy's ``RNNSRV`` cookie)."""
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    assert cookies.get("RNNSRV") in ("app1", "app2"), cookies
    return cookies["RNNSRV"]


def test_a_killed_replica_loses_no_vote_and_its_students_reconnect(hosted):
    from rnn.classroom import SQLStore

    store = SQLStore(hosted.pg.url)
    step = course.steps()[0]
    question, choices = step.challenge.question, step.challenge.choices
    new = store.create_room(step.key, 0)
    code = new.room.code
    link = f"{hosted.url}/Classroom?room={code}"
    with chromium() as browser:
        phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone.set_default_timeout(90_000)
        page = phone.new_page()
        sockets = []
        page.on("websocket", lambda ws: sockets.append(ws))
        page.goto(link)
        page.get_by_text(question).first.wait_for(timeout=90_000)
        wait_ready(page)
        page.get_by_role("button", name=f"(a) {choices[0]}").click()
        page.get_by_text("Answer sent").first.wait_for(timeout=60_000)
        assert store.tally(code, step.key, len(choices))[0] == 1
        pinned = served_by(phone)

        opened = len(sockets)
        killed = hosted.servers[int(pinned[-1]) - 1]
        hosted.kill_replica(int(pinned[-1]) - 1)
        killed.proc.wait(10)
        # nobody touches the page: Streamlit's own reconnect reaches the other replica through the
        # proxy (redispatch), and the new session finds the same student by the browser's cookie
        deadline = 120_000
        while len(sockets) <= opened and deadline > 0:
            page.wait_for_timeout(250)
            deadline -= 250
        assert len(sockets) > opened, "the page never opened a new connection after the kill"
        page.get_by_text("your answer").first.wait_for(timeout=120_000)
        wait_ready(page)
        assert not sockets[-1].is_closed()
        mine = page.get_by_text("your answer").first.inner_text()
        assert f"(a) {choices[0]}" in mine
        assert page.get_by_role("button", name=re.compile(r"^\([a-d]\) ")).count() == 0
        assert page.locator("[data-testid='stException']").count() == 0
        assert store.student_count(code) == 1
        assert store.tally(code, step.key, len(choices)) == [1] + [0] * (len(choices) - 1)

        # a phone that joins after the kill is served by the surviving replica and counts too
        late = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        late.set_default_timeout(90_000)
        other = late.new_page()
        other.goto(link)
        other.get_by_role("button", name=f"(b) {choices[1]}").click(timeout=90_000)
        other.get_by_text("Answer sent").first.wait_for(timeout=60_000)
        assert store.student_count(code) == 2
        assert store.tally(code, step.key, len(choices))[:2] == [1, 1]
        # both pages are live on the surviving replica: the teacher's reveal reaches them unaided
        store.reveal(code, new.token)
        for p in (page, other):
            p.get_by_text(f"Answer: ({chr(97 + step.challenge.answer)})").first.wait_for(timeout=60_000)
        late.close()
        phone.close()
    store.dispose()


def test_every_page_through_the_proxy_names_the_chart_script_to_preload(hosted):
    """HAProxy's Link header (compose.yaml) on the pages' HTML, pointing at a script the replicas
    serve, gzipped by the proxy; a phone opening a lesson directly fetches it with the app's own
    scripts (bench/charts.py measures what that saves)."""
    import urllib.request

    for path in ("/", "/Gradient_flow"):
        with urllib.request.urlopen(hosted.url + path, timeout=30) as page:
            link = page.headers.get("Link", "")
            assert page.headers.get_content_type() == "text/html"
        m = re.fullmatch(r"<(/static/js/PlotlyChart\.[\w-]+\.js)>; rel=modulepreload", link)
        assert m, link
    request = urllib.request.Request(hosted.url + m.group(1), headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as script:
        assert script.status == 200
        assert "javascript" in script.headers.get_content_type()
        assert script.headers.get("Content-Encoding") == "gzip"
        assert "Link" not in script.headers             # only pages carry it
        assert len(script.read()) > 1_000_000
