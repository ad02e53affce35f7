"""Real PostgreSQL and Redis servers in a temporary folder, on loopback (Debian's packages), for the
tests (tests/services.py) and the hosted benchmark (bench/classroom.py --db postgresql --jobs rq).

    with Postgres(tmp) as pg: pg.url          postgresql://rnn@127.0.0.1:PORT/rnn
    with Redis(tmp) as r: r.url               redis://127.0.0.1:PORT/0
    pg.restart(); r.restart()                 stop and start again on the same data and port

PostgreSQL refuses to run as root: as root, its commands run as the ``postgres`` user (runuser).
``available()`` says whether the binaries are here (apt-get install postgresql redis-server).
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def postgres_available() -> bool:
    return _pg_bin() is not None


def redis_available() -> bool:
    return shutil.which("redis-server") is not None


def _wait_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start on port {port}")


class Postgres:
    def __init__(self, folder: str | Path, port: int | None = None):
        self.bin = _pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        # its own folder, which the postgres user can enter (a test's tmp_path is root's, mode 700)
        # (``folder`` is kept for symmetry with Redis; the data lives in /tmp, removed on exit)
        self.folder = Path(tempfile.mkdtemp(prefix="rnn-pg-"))
        os.chmod(self.folder, 0o755)
        self.data = self.folder / "pgdata"
        self.port = port or free_port()
        self.url = f"postgresql://rnn@127.0.0.1:{self.port}/rnn"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True)
        if check and done.returncode:
            raise RuntimeError(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-800:]}")
        return done

    def start(self) -> "Postgres":
        if not self.data.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            self.data.mkdir()
            if self._as:
                shutil.chown(self.folder, "postgres")
                shutil.chown(self.data, "postgres")
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "rnn", "-A", "trust",
                      "--no-sync", "-E", "UTF8")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "log"),
                  "-w", "-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 "
                  "-c fsync=on -c max_connections=200", "start")
        _wait_port(self.port, 30, "PostgreSQL")
        made = self._run(str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "rnn",
                         "-d", "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname='rnn'")
        if made.stdout.strip() != "1":
            self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                      "rnn", "rnn")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> "Postgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis:
    def __init__(self, folder: str | Path, port: int | None = None):
        if not redis_available():
            raise RuntimeError("Redis is not installed (apt-get install redis-server)")
        self.folder = Path(folder)
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Redis":
        self.folder.mkdir(parents=True, exist_ok=True)
        # appendonly: a restarted Redis still has the queue and the jobs' streams
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port, 15, "Redis")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()          # SIGTERM: Redis flushes its append-only file
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> "Redis":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
