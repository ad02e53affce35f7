"""Classroom: the whole course as one path, on the projector, with live predict-first polls.

Three views of one page:
- **course** (no class running): step k of n, Back / Next, a contents list, a button that opens
  the step's page and tab with its settings, the question, then the result;
- **teacher** (this session started a class): the same, plus the room code, join link and QR code,
  the class's answers arriving as a live bar chart, Reveal, and the CSV export.
  ``?presenter=1`` is the projector layout: large type, sidebar folded;
- **student** (``?room=CODE``): the current question, one vote, then the reveal.

The views are in rnn/ui/classroom.py and rnn/ui/classroom_student.py; the poll views are
fragments: no model work per vote.
"""
from __future__ import annotations

import streamlit as st

from rnn.classroom import ROOM_PARAM, ClassroomError, normalise_code
from rnn.lessons.pages import PAGES
from rnn.ui import setup_page
from rnn.ui.classroom import (leave_presenter, navigation, page_style, presenter, start_class, step_view,
                              steps, store_problem, teacher_room, teacher_view, the_store)
from rnn.ui.classroom_student import join_form, student_id, student_view

setup_page(PAGES["classroom"].title, PAGES["classroom"].icon)
page_style()

# ---- the page ---------------------------------------------------------------------------------
if error := st.session_state.pop("cls_error", None):
    st.error(error)

code_in_url = st.query_params.get(ROOM_PARAM)
if the_store() is None:
    st.warning(store_problem(), icon=":material/cloud_off:")
    code_in_url = None
room = teacher_room() if the_store() is not None else None
if room is not None and code_in_url in (None, room.code):
    teacher_view(room)
elif code_in_url is not None:
    try:
        code = the_store().room(normalise_code(code_in_url)).code      # a message, not a traceback
        if (me := student_id()) is not None:       # None: the browser is being given its id
            student_view(code, me)
    except ClassroomError as exc:
        st.error(str(exc), icon=":material/error:")
        join_form()
else:
    if not presenter():
        st.title("The course, step by step")
        st.caption("The whole course in the order of the notes: one question per step. Answer "
                   "first, open the experiment, then show the result. Start a class to let "
                   "students vote from their phones.")
    k = min(st.session_state.get("cls_step", 0), len(steps()) - 1)
    step_view(k, st.session_state.get("cls_show_result", False))
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    row.toggle("Show the result", key="cls_show_result")
    row.button("Start a live class", key="cls_start", on_click=start_class, type="primary",
               icon=":material/groups:", disabled=the_store() is None)
    if presenter():
        with row:
            leave_presenter()
    navigation(k)
    with st.expander("Join a class as a student"):
        join_form()
with st.sidebar:
    if not presenter() and (code_in_url is None or room is not None):
        st.caption("On a projector: large type, one step per screen.")
        if st.button("Presenter view", key="cls_presenter_on", icon=":material/slideshow:"):
            st.query_params["presenter"] = "1"
            st.rerun()
