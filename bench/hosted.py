"""The hosted set-up of compose.yaml, from Debian packages on loopback (no Docker): PostgreSQL,
Redis, ``workers`` x ``python -m rnn worker``, ``replicas`` x ``streamlit run app.py`` and HAProxy
in front with the same settings as compose.yaml (cookie stickiness, 1-hour websocket timeouts,
health checks on /_stcore/health, redispatch when a replica dies).

    with Hosted(replicas=2, workers=2, jobs="rq", db="postgresql") as h:
        h.url                  # the proxy: what the students open
        h.web_pids, h.worker_pids, h.service_pids

``compress=False`` leaves out HAProxy's gzip of Streamlit's scripts, ``link=False`` its ``Link:
rel=modulepreload`` header for the chart script on every page (bench/charts.py compares).
``jobs="local"`` keeps each replica's own worker processes; ``db="sqlite"`` its own poll file
(only sensible with one replica). One replica without a proxy when ``replicas == 1`` and
``proxy=False``.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.browser import Server
from bench.common import OUT, ROOT
from bench.services import Postgres, Redis, free_port

HAPROXY = """global
  maxconn 4096
defaults
  mode http
  option redispatch 1
  retries 2
  timeout connect 5s
  timeout client 1h
  timeout server 1h
  timeout tunnel 1h
  timeout http-request 30s
frontend web
  bind 127.0.0.1:{port}
  default_backend app
backend app
  balance leastconn
{compression}{link}  cookie RNNSRV insert indirect nocache httponly
  option httpchk GET /_stcore/health
  http-check expect status 200
  default-server check inter 2s fall 2 rise 2
{servers}
"""


COMPRESSION = """  compression algo gzip
  compression type text/html text/css application/javascript text/javascript application/json image/svg+xml
"""


def link_header(name: str) -> str:
    """HAProxy's line that tells the browser, with the page itself, to fetch and compile Streamlit's
    chart script (``name``: rnn.ui.streamlit_private.chart_script_name) while the app's own scripts
    load, instead of when the first chart arrives over the websocket (compose.yaml has the same
    line; tests/test_deploy_config.py checks that its name is this Streamlit's)."""
    return (f'  http-response add-header Link "</static/js/{name}>; rel=modulepreload" '
            "if { res.hdr(content-type) -m beg text/html }\n")


def haproxy_config(port: int, backends: list[int], compress: bool = True, link: bool = True) -> str:
    from rnn.ui.streamlit_private import chart_script_name

    servers = "\n".join(f"  server app{i + 1} 127.0.0.1:{p} cookie app{i + 1}"
                        for i, p in enumerate(backends))
    name = chart_script_name() if link else None
    return HAPROXY.format(port=port, servers=servers, compression=COMPRESSION if compress else "",
                          link=link_header(name) if name else "")


class Hosted:
    def __init__(self, replicas: int = 2, workers: int = 2, jobs: str = "rq", db: str = "postgresql",
                 env: dict | None = None, app: Path | None = None, tag: str = "hosted",
                 proxy: bool | None = None, compress: bool = True, link: bool = True):
        self.compress, self.link = compress, link
        self.replicas, self.workers, self.jobs, self.db = replicas, workers, jobs, db
        self.env = dict(env or {})
        self.app = Path(app) if app else None
        self.tag = tag
        self.proxy = replicas > 1 if proxy is None else proxy
        self.servers: list[Server] = []
        self.worker_procs: list[subprocess.Popen] = []
        self.haproxy: subprocess.Popen | None = None
        self.pg = self.redis = None
        self.tmp = Path(tempfile.mkdtemp(prefix="rnn-hosted-"))

    def __enter__(self) -> "Hosted":
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        env = dict(self.env)
        env["STREAMLIT_SERVER_COOKIE_SECRET"] = secrets.token_urlsafe(32)
        if self.db == "postgresql":
            self.pg = Postgres(self.tmp).start()
            env["RNN_PLAYGROUND_DB"] = self.pg.url
        if self.jobs == "rq":
            self.redis = Redis(self.tmp / "redis").start()
            env["RNN_PLAYGROUND_JOBS"] = self.redis.url
            for i in range(self.workers):
                log = open(OUT / f"{self.tag}_worker{i + 1}.log", "w")  # noqa: SIM115
                self.worker_procs.append(subprocess.Popen(
                    [sys.executable, "-m", "rnn", "worker", "--processes", "1"],
                    cwd=self.app or ROOT,               # the workers run the app's own version
                    env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT))
        elif self.jobs == "local" and self.workers:
            env["RNN_PLAYGROUND_WORKERS"] = str(self.workers)
        for i in range(self.replicas):
            self.servers.append(Server(env=env, log_name=f"{self.tag}_app{i + 1}.log",
                                       script=(self.app / "app.py") if self.app else None))
        for s in self.servers:
            s.wait_port()
        if self.proxy:
            port = free_port()
            cfg = self.tmp / "haproxy.cfg"
            cfg.write_text(haproxy_config(port, [s.port for s in self.servers], self.compress,
                                          self.link))
            (OUT / f"{self.tag}_haproxy.cfg").write_text(cfg.read_text())
            self.haproxy = subprocess.Popen([shutil.which("haproxy") or "/usr/sbin/haproxy", "-f",
                                             str(cfg), "-db"], stdout=subprocess.DEVNULL,
                                            stderr=open(OUT / f"{self.tag}_haproxy.log", "w"))  # noqa: SIM115
            from bench.services import _wait_port
            _wait_port(port, 15, "HAProxy")
            self.url = f"http://127.0.0.1:{port}"
            time.sleep(2.5)                     # the first health checks pass
        else:
            self.url = self.servers[0].url

    @property
    def web_pids(self) -> list[int]:
        return [s.pid for s in self.servers]

    @property
    def worker_pids(self) -> list[int]:
        """rq: the worker commands (their processes are children); local: each replica's children."""
        if self.worker_procs:
            return [p.pid for p in self.worker_procs]
        return [int(c) for s in self.servers for c in _children(s.pid)]

    @property
    def service_pids(self) -> list[int]:
        pids = []
        if self.redis is not None and self.redis.process is not None:
            pids.append(self.redis.process.pid)
        if self.haproxy is not None:
            pids.append(self.haproxy.pid)
        if self.pg is not None:
            try:
                pids.append(int((self.pg.data / "postmaster.pid").read_text().split()[0]))
            except (OSError, ValueError, IndexError):
                pass
        return pids

    def errors_in_logs(self) -> list[str]:
        out = []
        for s in self.servers:
            out += s.errors_in_log()
        for i in range(len(self.worker_procs)):
            text = (OUT / f"{self.tag}_worker{i + 1}.log").read_text(errors="replace")
            out += [ln for ln in text.splitlines() if "Traceback" in ln][:5]
        return out

    def kill_replica(self, i: int) -> None:
        self.servers[i].proc.kill()

    def __exit__(self, *exc) -> None:
        if self.haproxy is not None:
            self.haproxy.terminate()
        for s in self.servers:
            try:
                s.stop()
            except Exception:  # noqa: BLE001
                pass
        for p in self.worker_procs:
            p.send_signal(2)
        for p in self.worker_procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        if self.redis is not None:
            self.redis.stop()
        if self.pg is not None:
            self.pg.__exit__(None, None, None)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def pss_mb(pid: int) -> float:
    """Proportional set size of a process (shared pages split between their users), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree(pid: int) -> list[int]:
    out = [pid]
    for c in _children(pid):
        out += tree(int(c))
    return out
