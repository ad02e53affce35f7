"""The classroom page's views (pages/8_Classroom.py): the course path, the teacher's live class
and the presenter layout (the students' phones: rnn/ui/classroom_student.py). Layout only: the
store is rnn/classroom, the course is rnn/lessons/course.py, the vote chart
rnn/plots/classroom.py.

Everything that depends on the request (presenter flag, room in the URL) is read per run from
``st.query_params``; the poll views are fragments that re-read the store every few seconds, so a
vote costs no model work and no full page rerun.
"""
from __future__ import annotations

import html
import sqlite3
from urllib.parse import urlsplit

import streamlit as st

from rnn.classroom import ROOM_PARAM, ClassroomError, join_url, open_store, pretty_code, qr_svg
from rnn.classroom.answers import class_csv
from rnn.lessons import course
from rnn.plots.classroom import vote_figure
from rnn.ui.setup import ui_settings

TEACHER = "cls_teacher"          # session_state: {"code": ..., "token": ...}; never in the URL
# Projector: large type, no sidebar, little padding, so one step fits 1280×720 unscrolled.
# The header bar (with the sidebar's "»" button) is hidden too: it covered the step's caption.
PRESENTER_CSS = ("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],"
                 "[data-testid='stExpandSidebarButton'],[data-testid='stHeader']{display:none}"
                 "[data-testid='stMainBlockContainer']{padding:1.5rem 2rem 0 2rem;max-width:100%}"
                 "[data-testid='stMainBlockContainer'] p,[data-testid='stMainBlockContainer'] li"
                 "{font-size:1.4rem;line-height:1.35}"
                 "[data-testid='stCaptionContainer'] p{font-size:1.05rem}"
                 ".cls-question{font-size:2.0rem!important;font-weight:600;line-height:1.25}"
                 ".cls-long{font-size:1.7rem!important}</style>")
# A phone: the page starts below the header bar (its "»" menu button would hide the caption).
PHONE_CSS = ("[data-testid='stMainBlockContainer']{padding-top:3.6rem}"
             "[data-testid='stButton'] button{min-height:3.2rem}"          # a thumb's size
             "[data-testid='stButton'] button p{font-size:1.15rem}")


def presenter() -> bool:
    return st.query_params.get("presenter") in ("1", "true")


def leave_presenter() -> None:
    """Back to the normal layout. In the step's own row (or the teacher's More menu), not under
    everything: at the bottom of a 720 px projector it was cut off."""
    if st.button("Leave the presenter view", key="cls_presenter_off", icon=":material/close:",
                 type="tertiary"):
        del st.query_params["presenter"]
        st.rerun()


def student_link() -> bool:
    return ROOM_PARAM in st.query_params


def poll_seconds() -> float:
    return ui_settings().classroom_poll_seconds


def steps():
    return course.steps()


def page_style() -> None:
    """The projector's or the phone's layout (the lesson menu folded away on both)."""
    if presenter() or student_link():
        st.set_page_config(initial_sidebar_state="collapsed")
    if presenter():
        st.html(PRESENTER_CSS)
    else:
        pad = PHONE_CSS if student_link() else ""
        st.html(f"<style>{pad}.cls-question{{font-size:1.5rem;font-weight:600;line-height:1.3}}</style>")


@st.cache_resource(show_spinner=False)
def _store(db: str):
    """One store per server process and database file (connections are per thread inside)."""
    return open_store(ui_settings())


def the_store():
    """The poll store, or None when its database cannot be opened (see ``store_problem``)."""
    try:
        return _store(ui_settings().classroom_db)
    except (OSError, sqlite3.Error):
        return None


def store_problem() -> str | None:
    db = ui_settings().classroom_db
    try:
        _store(db)
        return None
    except (OSError, sqlite3.Error) as exc:       # e.g. a read-only app folder in a container
        return (f"Live classes are off on this server: the poll database ({db}) cannot be "
                f"opened ({exc}). The course below works; an administrator can set "
                "RNN_PLAYGROUND_CLASSROOM_DB to a writable file (docs/CLASSROOM.md).")


def poll_chart(fig, key: str) -> None:
    """A vote chart: no zoom toolbar (nothing to zoom, and on a phone it covers the title)."""
    st.plotly_chart(fig, theme=None, key=key, width="stretch",
                    config={"displayModeBar": False})


def html_text(text: str, cls: str = "cls-question") -> None:
    if len(text) > 160:                   # a long question a size smaller: the step stays on screen
        cls += " cls-long"
    st.html(f"<div class='{cls}'>{html.escape(text)}</div>")


def choices_list(ch) -> None:
    st.markdown("\n".join(f"- **({chr(97 + i)})** {c}" for i, c in enumerate(ch.choices)))


def result(ch) -> None:
    if ch.right_choice is not None:
        st.success(f"**Answer: ({chr(97 + ch.answer)}) {ch.right_choice}**", icon=":material/check_circle:")
    st.markdown(ch.hint)


def url_value(value) -> str:
    """A widget value as Streamlit writes a bound widget into the address (true/false, 5 not 5.0)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def experiment_params(step) -> dict[str, str]:
    """The step's settings and tab as the page's query parameters: the address the experiment
    opens on is a link that shows the same experiment to anyone."""
    params = {key: url_value(v) for key, v in step.challenge.state.items()}
    if step.challenge.tab:
        params["tab"] = step.challenge.tab
    return params


def open_experiment(step) -> None:
    """Set the step's widgets (the page's own keys) and open its page on its tab, with every
    setting in the new address."""
    st.session_state.update(dict(step.challenge.state))
    if step.challenge.tab:
        st.session_state["tab"] = step.challenge.tab
    try:
        st.switch_page(step.page_path, query_params=experiment_params(step))
    except st.errors.StreamlitAPIException:    # a test running this file alone has no pages
        st.info(f"Open **{step.page_title}** from the menu.")


def go(index: int) -> None:
    """Back / Next / contents: move this session, and the class if it is this session's."""
    index = max(0, min(len(steps()) - 1, index))
    st.session_state["cls_step"] = index
    st.session_state["cls_show_result"] = False
    teacher = st.session_state.get(TEACHER)
    if teacher:
        as_teacher(the_store().show, teacher["code"], teacher["token"], index, steps()[index].key)


def contents(k: int) -> None:
    st.selectbox("Contents", range(len(steps())), index=k, key=f"cls_contents_{k}",
                 format_func=lambda i: f"{i + 1}. {steps()[i].topic}", label_visibility="collapsed",
                 on_change=lambda: go(st.session_state[f"cls_contents_{k}"]))


def navigation(k: int) -> None:
    back, where, nxt = st.columns([1, 3, 1], vertical_alignment="center")
    back.button("Back", key="cls_back", on_click=go, args=(k - 1,), disabled=k == 0,
                icon=":material/arrow_back:", width="stretch")
    nxt.button("Next", key="cls_next", on_click=go, args=(k + 1,), disabled=k == len(steps()) - 1,
               icon=":material/arrow_forward:", width="stretch")
    with where:
        contents(k)


def step_view(k: int, revealed: bool, chart_has_choices: bool = False) -> None:
    step = steps()[k]
    ch = step.challenge
    st.caption(f"Step {k + 1} of {len(steps())} · **{step.topic}** · page: {step.page_title}"
               + (f" · tab: {ch.tab}" if ch.tab else ""))
    html_text(ch.question)
    if revealed and chart_has_choices:          # the chart beside it lists them, with the votes
        result(ch)
        return
    choices_list(ch)
    if st.button(f"Open the experiment: {step.page_title}" + (f", {ch.tab}" if ch.tab else ""),
                 key=f"cls_open_{k}", icon=":material/science:"):
        open_experiment(step)
    if revealed:
        result(ch)


# ---- teacher ----------------------------------------------------------------------------------
def start_class() -> None:
    k = st.session_state.get("cls_step", 0)
    try:
        new = the_store().create_room(steps()[k].key, k)
    except ClassroomError as exc:
        st.session_state["cls_error"] = str(exc)
        return
    st.session_state[TEACHER] = {"code": new.room.code, "token": new.token}


def as_teacher(action, *args) -> None:
    """Run a teacher's action on the store; a refusal (the class ended) becomes a message."""
    try:
        action(*args)
    except ClassroomError as exc:
        st.session_state["cls_error"] = str(exc)


def end_class(code: str, token: str) -> None:
    as_teacher(the_store().close_room, code, token)
    st.session_state.pop(TEACHER, None)


@st.dialog("End the class?")
def confirm_end(code: str, token: str) -> None:
    """Ending deletes the room and every vote: asked once more, with the CSV at hand."""
    if st.session_state.get(TEACHER) is None:        # just ended (the button below): close this
        st.rerun()
    st.markdown(f"Class **{pretty_code(code)}** closes for every student and **its votes are "
                "deleted**. Download the answers first if you want to keep them.")
    st.download_button("Answers as CSV", class_csv(the_store(), code, token, course.find),
                       file_name=f"class-{code}.csv", mime="text/csv", icon=":material/download:",
                       key="cls_export_before_end")
    keep, end = st.columns(2)
    if keep.button("Keep the class", key="cls_end_cancel", width="stretch"):
        st.rerun()
    end.button("End the class", key="cls_end_confirm", type="primary", width="stretch",
               icon=":material/logout:", on_click=end_class, args=(code, token))


def teacher_room():
    """The class this session runs, or None (ended, expired, or never started)."""
    teacher = st.session_state.get(TEACHER)
    if not teacher:
        return None
    try:
        return the_store().room(teacher["code"])
    except ClassroomError:
        st.session_state.pop(TEACHER, None)
        st.warning("Your class has ended (rooms close after "
                   f"{ui_settings().classroom_room_hours:g} hours). Start a new one.")
        return None


def join_box(code: str) -> None:
    link = join_url(st.context.url or "", code)
    qr, words = st.columns([2, 3], vertical_alignment="center")
    qr.image(qr_svg(link), width="stretch")
    words.markdown(f"**Join:** scan the code, or open the link and type\n\n"
                   f"<span style='font-size:clamp(1.3rem,2.5vw,1.9rem);font-weight:700;letter-spacing:0.06em;"
                   f"white-space:nowrap'>"
                   f"{pretty_code(code)}</span>", unsafe_allow_html=True)
    local = urlsplit(link).hostname in ("localhost", "127.0.0.1", "::1")
    note = ("This link points at this computer only. For phones, open the app at the "
            "address they can reach (the *Network URL* that `streamlit run` prints).")
    if presenter():                      # one caption: the projector has no room for a box
        st.caption(link + (f" · :material/wifi_off: {note}" if local else ""))
    else:
        st.caption(link)
        if local:
            st.warning(note, icon=":material/wifi_off:")


def live_votes(code: str, key: str) -> None:
    """The class's answers as a live bar chart (a fragment: no full page rerun)."""
    st.fragment(_live_votes, run_every=poll_seconds())(code, key)


def _live_votes(code: str, key: str) -> None:
    ch = course.find(key)
    try:
        room = the_store().room(code)
    except ClassroomError as exc:
        st.warning(str(exc))
        return
    if ch is None:                 # a question renamed since the class started: nothing to chart
        st.info("This question is no longer in the course: press Next.")
        return
    counts = the_store().tally(code, key, len(ch.choices))
    poll_chart(vote_figure(ch.choices, counts, ch.answer, room.revealed,
                           font_size=20 if presenter() else None,
                           label_width=24 if presenter() else 26), key="cls_votes_chart")
    st.caption(f"{sum(counts)} of {the_store().student_count(code)} students have answered.")


def teacher_view(room) -> None:
    code, token = st.session_state[TEACHER]["code"], st.session_state[TEACHER]["token"]
    k = room.step if 0 <= room.step < len(steps()) and steps()[room.step].key == room.question \
        else course.index_of(room.question, steps()) or 0
    left, right = st.columns([3, 2], gap="large")
    with left:
        step_view(k, room.revealed, chart_has_choices=presenter())
        # One row that wraps when the column is narrow (a laptop with the sidebar open): every
        # button keeps its whole label instead of being cut to "M…".
        row = st.container(horizontal=True, vertical_alignment="center", gap="small")
        row.button("Back", key="cls_back", on_click=go, args=(k - 1,), disabled=k == 0,
                   icon=":material/arrow_back:")
        row.button("Reveal", key="cls_reveal", type="primary",
                   help="Show everyone the answer and close the vote.", disabled=room.revealed,
                   icon=":material/visibility:", on_click=as_teacher,
                   args=(the_store().reveal, code, token))
        row.button("Next", key="cls_next", on_click=go, args=(k + 1,),
                   disabled=k == len(steps()) - 1, icon=":material/arrow_forward:")
        with row.popover("More", icon=":material/menu:", key="cls_more", on_change="rerun"):
            contents(k)
            st.download_button("Answers as CSV", class_csv(the_store(), code, token, course.find),
                               file_name=f"class-{code}.csv", mime="text/csv",
                               icon=":material/download:", key="cls_export")
            st.button("End the class…", key="cls_end", icon=":material/logout:", on_click=ask_to_end)
            if presenter():
                leave_presenter()
    with right:
        live_votes(code, room.question)
        join_box(code)
    if st.session_state.pop("cls_ask_end", False):
        confirm_end(code, token)


def ask_to_end() -> None:
    """"End the class…": close the More menu (it would lie over the dialog's buttons) and ask."""
    st.session_state["cls_more"] = False
    st.session_state["cls_ask_end"] = True
