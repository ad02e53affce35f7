"""The classroom page's student views (pages/8_Classroom.py): the browser's student id, the
question on a phone, one vote, then the reveal; and the form to join a class. The teacher's
views and the store: rnn/ui/classroom.py.
"""
from __future__ import annotations

import streamlit as st

from rnn.classroom import ROOM_PARAM, ClassroomError, new_student_id, pretty_code
from rnn.lessons import course
from rnn.plots.classroom import vote_figure
from rnn.ui.classroom import html_text, poll_chart, poll_seconds, result, the_store


# ---- student ----------------------------------------------------------------------------------
# One student = one browser. The id is a random token the browser keeps in a cookie, so a reload,
# a second tab or the QR code scanned again all resolve to the same student; the server reads the
# cookie from the request (``st.context.cookies``, sent when the page's connection opens), never
# from the address, and the store counts one vote per (room, student, question): the first stands.
COOKIE = "rnn_student"
COOKIE_DAYS = 2


def browser_cookies():
    """The cookies the browser sent when this session's connection opened."""
    return st.context.cookies


def browser_student() -> str | None:
    """The student id the browser sent as its cookie, if it is one we could have made."""
    me = browser_cookies().get(COOKIE)
    if isinstance(me, str) and 8 <= len(me) <= 64 and me.replace("-", "").replace("_", "").isalnum():
        return me
    return None


def keep_in_browser(minted: str) -> None:
    """Ask the browser to keep ``minted`` as this student's cookie and load the page again (the
    new connection then carries it). A cookie another tab set first wins: both tabs are one
    student. A browser that refuses cookies is told so instead of reloading for ever."""
    st.html(f"""<div id="cls-keep" style="font-size:1.05rem">Joining the class…</div>
<script>
(function () {{
  const name = {COOKIE!r};
  // a cookie another tab set first is kept (one student); a malformed one is replaced
  const has = () => document.cookie.split("; ").some(
    c => c.startsWith(name + "=") && /^[A-Za-z0-9_-]{{8,64}}$/.test(c.slice(name.length + 1)));
  if (!has()) {{
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = name + "=" + {minted!r} + "; path=/; max-age={COOKIE_DAYS * 86400}; SameSite=Lax" + secure;
  }}
  const tries = Number(sessionStorage.getItem("cls-keep-tries") || 0);
  if (has() && tries < 3) {{
    sessionStorage.setItem("cls-keep-tries", String(tries + 1));
    location.reload();
  }} else {{
    document.getElementById("cls-keep").textContent =
      "This browser does not keep cookies for this site, so the class cannot tell your vote " +
      "apart from a new student's. Allow cookies for this address and open the link again.";
  }}
}})();
</script>""", unsafe_allow_javascript=True)


def student_id() -> str | None:
    """This browser's student id, or None while the browser is being given one (the page then
    shows "Joining the class…" and reloads by itself)."""
    me = browser_student()
    if me is not None:
        st.session_state["cls_student"] = me
        return me
    keep_in_browser(st.session_state.setdefault("cls_student_minted", new_student_id()))
    return None


def cast(code: str, me: str, key: str, choice: int) -> None:
    try:
        counted = the_store().vote(code, me, key, choice)
        note = None if counted else ("You had already answered (from another tab or an earlier "
                                     "visit): your first answer is the one that counts.")
    except ClassroomError as exc:
        note = str(exc)
    # kept while the class is on this question: the phone's next poll must not wipe it at once
    st.session_state["cls_vote_note"] = (key, note) if note else None


# A phone re-reads the room every STUDENT_POLL_FACTOR × classroom_poll_seconds: the teacher's
# Reveal or Next reaches a phone within that time plus one short run (bench/polls.py measures it).
STUDENT_POLL_FACTOR = 2


def student_view(code: str, me: str) -> None:
    """A phone's view: it waits for the teacher's next move, so it polls (no push in Streamlit)."""
    st.fragment(_student_view, run_every=STUDENT_POLL_FACTOR * poll_seconds())(code, me)


def _student_view(code: str, me: str) -> None:
    try:
        # Join once (a write); every later poll only reads, so thirty phones polling never
        # queue for SQLite's write lock in front of the votes.
        if st.session_state.get("cls_joined") != (code, me):
            the_store().join(code, me)
            st.session_state["cls_joined"] = (code, me)
        room = the_store().room(code)
    except ClassroomError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    ch = course.find(room.question)
    if ch is None:
        st.info("Waiting for the teacher's next question…")
        return
    mine = the_store().my_vote(code, me, room.question)
    st.caption(f"Class {pretty_code(code)} · question {room.step + 1}")
    html_text(ch.question)
    note = st.session_state.get("cls_vote_note")
    if note and note[0] == room.question:
        st.warning(note[1])
    for i, choice in enumerate(ch.choices):
        label = f"({chr(97 + i)}) {choice}"
        if mine is None and not room.revealed:
            st.button(label, key=f"cls_vote_{room.version}_{i}", width="stretch",
                      on_click=cast, args=(code, me, room.question, i))
        else:
            mark = " ✓" if room.revealed and i == ch.answer else ""
            st.markdown(f"{'**' if i == mine else ''}{label}{mark}{'**' if i == mine else ''}"
                        + ("  ← your answer" if i == mine else ""))
    if room.revealed:
        if mine is not None:
            (st.success if mine == ch.answer else st.info)(
                "You got it." if mine == ch.answer else "Not this time: see why below.")
        result(ch)
        poll_chart(vote_figure(ch.choices, the_store().tally(code, room.question, len(ch.choices)),
                               ch.answer, True, label_width=18), key="cls_student_chart")
    elif mine is not None:
        st.info("Answer sent. Wait for the teacher to reveal it.", icon=":material/hourglass_top:")


def join_form() -> None:
    with st.form("cls_join", border=False):
        typed = st.text_input("Room code", max_chars=20, placeholder="ABCD-EFGH")
        if st.form_submit_button("Join the class", icon=":material/login:"):
            st.query_params[ROOM_PARAM] = typed.strip()[:20]
            st.rerun()
