"""A light Streamlit client that speaks the app's own websocket protocol, for load tests.

One ``WsSession`` is one browser tab as the server sees it: it opens ``/_stcore/stream``, asks for
a page with a query string (``BackMsg.rerun_script``), reads every ``ForwardMsg`` the server sends
(elements, widget ids, script start/finish, fragment timers) and answers like the frontend does:

- widget changes and button clicks go back as ``WidgetStates`` in a new ``rerun_script``;
- a fragment with ``run_every`` (``ForwardMsg.auto_rerun``) gets a timer that sends
  ``rerun_script(fragment_id=..., is_auto_rerun=True)`` every interval, cleared when a full run
  starts or the server sends ``stop_auto_rerun`` (the frontend's ``handleAutoRerun``);
- the query string is kept in step with ``page_info_changed`` (widgets bound to the URL).

It renders nothing, so thirty of them cost the shared machine little CPU: the server does the
same work as for thirty real tabs (every script run, every chart serialised and sent), the
browsers' own drawing is left out. ``bench/classroom.py`` mixes in a few real Chromium pages to
show the two agree. Only ever used against 127.0.0.1.

Times are ``time.perf_counter()`` seconds on this process's clock; an interaction's time runs
from just before its ``BackMsg`` is sent to the ``script_finished`` of the full run it caused.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_OK = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
FRAGMENT_OK = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_WITH_COMPILE_ERROR")
ALERT_ERROR = 1          # Alert.Format.ERROR


@dataclass
class Run:
    """One script run as the client saw it."""
    started: float
    fragment: bool
    finished: float | None = None
    status: int | None = None


@dataclass
class Texts:
    """What the page said, newest last (alerts, progress bars), with arrival times."""
    items: list[tuple[float, str, str]] = field(default_factory=list)   # (t, kind, text)

    def add(self, kind: str, text: str) -> None:
        self.items.append((time.perf_counter(), kind, text))
        if len(self.items) > 2000:           # a long soak: keep the tail only
            del self.items[:1000]

    def since(self, t0: float, kind: str | None = None) -> list[tuple[float, str, str]]:
        return [i for i in self.items if i[0] >= t0 and (kind is None or i[1] == kind)]


class WsSession:
    """One Streamlit session driven over the websocket (see the module docstring)."""

    def __init__(self, base_url: str, name: str = ""):
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.name = name
        self.ws = None
        self.page_hash = ""
        self.query = ""
        self.widgets: dict[str, str] = {}          # "button:Start", "text_input:<key>", "tabs" -> id
        self.values: dict[str, WidgetState] = {}   # id -> last value we sent (non-trigger widgets)
        self.runs: list[Run] = []
        self.texts = Texts()
        self.errors: list[str] = []
        self.messages = 0
        self.bytes = 0
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Event()
        self.closed = False

    # ---- connection ------------------------------------------------------------------------
    async def connect(self) -> None:
        from websockets.asyncio.client import connect
        self.ws = await connect(self.ws_url, subprotocols=["streamlit"], max_size=2**27,
                                open_timeout=60, ping_interval=20, ping_timeout=60)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        """The tab goes away: timers stop, the socket closes (the server disconnects the session)."""
        self.closed = True
        for _, task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 10)
            except Exception:  # noqa: BLE001 -- closing a socket that is already gone
                pass
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except BaseException:  # noqa: BLE001
                pass

    # ---- receiving -------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self.ws:
                self.messages += 1
                self.bytes += len(data)
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
                self._changed.set()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 -- a dropped connection is a session error
            if not self.closed:
                self.errors.append(f"connection: {type(exc).__name__}: {exc}")
        finally:
            self._changed.set()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        now = time.perf_counter()
        if kind == "new_session":
            fragment = bool(msg.metadata.run.fragment_ids)
            self.runs.append(Run(now, fragment))
            if len(self.runs) > 4000:
                del self.runs[:2000]
            if not fragment:                      # a full run: the frontend clears its timers
                for _, task in self._timers.values():
                    task.cancel()
                self._timers.clear()
        elif kind == "script_finished":
            for run in reversed(self.runs):
                if run.finished is None:
                    run.finished, run.status = now, msg.script_finished
                    break
            if msg.script_finished == COMPILE_ERROR:
                self.errors.append("script compile error")
        elif kind == "delta":
            self._delta(msg.delta)
        elif kind == "auto_rerun":
            self._auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                entry = self._timers.pop(fid, None)
                if entry:
                    entry[1].cancel()
        elif kind == "navigation":               # pages/ apps: the page that actually ran
            if msg.navigation.page_script_hash:
                self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self.errors.append(f"page not found: {msg.page_not_found.page_name}")

    def _delta(self, delta) -> None:
        which = delta.WhichOneof("type")
        if which == "add_block":
            block = delta.add_block
            if block.WhichOneof("type") == "tab_container" and block.tab_container.id:
                self.widgets["tabs"] = block.tab_container.id
            return
        if which != "new_element":
            return
        el = delta.new_element
        etype = el.WhichOneof("type")
        if etype == "exception":
            ex = el.exception
            self.errors.append(f"exception: {ex.type}: {ex.message[:300]}")
            self.texts.add("exception", f"{ex.type}: {ex.message}")
        elif etype == "alert":
            self.texts.add("alert_error" if el.alert.format == ALERT_ERROR else "alert", el.alert.body)
        elif etype == "progress":
            self.texts.add("progress", el.progress.text)
        elif etype in ("button", "text_input", "text_area", "slider", "selectbox", "radio",
                       "checkbox", "number_input"):
            proto = getattr(el, etype)
            wid = getattr(proto, "id", "")
            if wid:
                label = getattr(proto, "label", "")
                self.widgets[f"{etype}:{label}"] = wid
                if "-" in wid:                         # "$$ID-<hash>-<user key>"
                    self.widgets[f"{etype}:key:{wid.rsplit('-', 1)[-1]}"] = wid

    # ---- fragment timers (the frontend's setInterval) ---------------------------------------
    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not fragment_id:
            return
        old = self._timers.get(fragment_id)
        if old and old[0] == interval:
            return
        if old:
            old[1].cancel()
        self._timers[fragment_id] = (interval, asyncio.create_task(self._tick(fragment_id, interval)))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        while not self.closed:
            await asyncio.sleep(interval)
            await self._send_rerun(fragment_id=fragment_id, auto=True)

    # ---- sending ---------------------------------------------------------------------------
    async def _send_rerun(self, widgets: list[WidgetState] | None = None, page_name: str = "",
                          fragment_id: str = "", auto: bool = False) -> None:
        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = self.query
        states = {w.id: w for w in self.values.values()}
        for w in widgets or []:
            states[w.id] = w
        cs.widget_states.widgets.extend(states.values())
        if page_name:
            cs.page_name = page_name
        else:
            cs.page_script_hash = self.page_hash
        if fragment_id:
            cs.fragment_id = fragment_id
            cs.is_auto_rerun = auto
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-US"
        try:
            await self.ws.send(back.SerializeToString())
        except Exception as exc:  # noqa: BLE001
            if not self.closed:
                self.errors.append(f"send: {type(exc).__name__}: {exc}")

    async def _wait_full_run(self, t0: float, timeout: float) -> float:
        """Seconds from t0 to the end of the first full (non-fragment) run that started after t0."""
        deadline = time.perf_counter() + timeout
        while True:
            for run in self.runs:
                if run.started >= t0 and not run.fragment and run.finished is not None \
                        and run.status == FINISHED_OK:
                    return run.finished - t0
            left = deadline - time.perf_counter()
            if left <= 0 or (self.ws is not None and self._reader.done()):
                raise TimeoutError(f"{self.name}: no finished run within {timeout:.0f} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
            except asyncio.TimeoutError:
                pass

    async def open(self, page: str, query: str = "", timeout: float = 120) -> float:
        """Connect and load ``/<page>?<query>``; seconds to the end of the first run."""
        if self.ws is None:
            await self.connect()
        self.query = query
        t0 = time.perf_counter()
        await self._send_rerun(page_name=page)
        return await self._wait_full_run(t0, timeout)

    def widget_id(self, name: str) -> str:
        if name not in self.widgets:
            raise KeyError(f"{self.name}: no widget {name!r} on the page "
                           f"(have {sorted(self.widgets)[:30]})")
        return self.widgets[name]

    async def click(self, name: str, timeout: float = 120) -> float:
        """Press a button (``"button:Start"``); seconds to the end of the run it caused."""
        w = WidgetState(id=self.widget_id(name), trigger_value=True)
        t0 = time.perf_counter()
        await self._send_rerun([w])
        return await self._wait_full_run(t0, timeout)

    async def set_value(self, name: str, value, timeout: float = 120) -> float:
        """Change a widget (text box: a str; tabs: the tab's label); seconds to the rerun's end."""
        w = WidgetState(id=self.widget_id(name))
        if isinstance(value, bool):
            w.bool_value = value
        elif isinstance(value, int):
            w.int_value = value
        elif isinstance(value, float):
            w.double_value = value
        else:
            w.string_value = str(value)
        self.values[w.id] = w
        t0 = time.perf_counter()
        await self._send_rerun()
        return await self._wait_full_run(t0, timeout)

    async def wait_text(self, predicate, t0: float, timeout: float,
                        kinds: tuple[str, ...] = ("alert", "alert_error", "progress")) -> tuple | None:
        """The first text (t, kind, text) at or after t0 with predicate(text) true, or None."""
        deadline = time.perf_counter() + timeout
        while True:
            for item in self.texts.since(t0):
                if item[1] in kinds and predicate(item[2]):
                    return item
            left = deadline - time.perf_counter()
            if left <= 0 or self._reader.done():
                return None
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
            except asyncio.TimeoutError:
                pass
