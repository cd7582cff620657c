"""`make run` as a supervisor: a killed service comes back, a database outage is logged,
a component that keeps dying ends the run with status 1 and nothing left behind; and
the development token issuer is never on where other machines can reach the gateway."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest

from devstack.layout import ALL, REPO
from devstack.pg import free_port
from devstack.run import dev_issuer_on


class Output:
    """The supervisor's output lines, read in a thread so waits can time out."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None
        self._stream = proc.stdout
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._stream:
            self._queue.put(line)

    def close(self) -> None:
        """After the process ended: the reader reaches end of file, then the pipe closes."""
        self._reader.join(10)
        self._stream.close()

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        """The next line (after those already read) that contains ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.lines.append(line)
            if text in line:
                return line
        tail = [x for x in self.lines if not x.startswith("{")][-15:]
        raise AssertionError(f"{text!r} not printed within {timeout} s:\n" + "".join(tail))


def cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:  # a short-lived child (pg_isready) already gone
        return ""


def component_pid(parent: psutil.Process, module: str) -> psutil.Process:
    found = [p for p in parent.children(recursive=True) if module in cmdline(p)]
    assert len(found) == 1, found
    return found[0]


def other_pids(parent: psutil.Process) -> dict[str, int]:
    """Every component's pid but enterprise's."""
    return {
        c.name: component_pid(parent, c.module.split(":")[0]).pid
        for c in ALL
        if c.name != "enterprise"
    }


def ready(url: str, within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def ours(tmp_path: Path) -> list[psutil.Process]:
    """Every live process whose command line names the test's data folder (PostgreSQL)."""
    out = []
    for p in psutil.process_iter(["cmdline", "status"]):
        if str(tmp_path) in " ".join(p.info["cmdline"] or []) and p.info["status"] != "zombie":
            out.append(p)
    return out


def test_supervisor_restarts_logs_outages_and_gives_up(tmp_path: Path) -> None:
    env = dict(os.environ, GXST_DATA_DIR=str(tmp_path / "data"), PG_PORT=str(free_port()))
    env.pop("DATABASE_URL", None)
    env.update(GXST_RUN_MAX_RESTARTS="2", GXST_RUN_RESTART_WINDOW="600")
    ports = {c.name: free_port() for c in ALL}
    for comp in ALL:
        env[comp.env_prefix + "PORT"] = str(ports[comp.name])
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack.run"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = Output(proc)
    enterprise = f"http://127.0.0.1:{ports['enterprise']}"
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    try:
        out.wait_for("Public entry", timeout=180)
        me = psutil.Process(proc.pid)
        before = other_pids(me)
        # SIGKILL of one service: restarted, the others untouched.
        component_pid(me, "enterprise_service").kill()
        out.wait_for("enterprise exited with -9; restarting in 0.5 s")
        out.wait_for("enterprise restarted")
        assert ready(enterprise)
        after = other_pids(me)
        assert after == before
        assert proc.poll() is None

        # PostgreSQL goes away: the outage and its end are logged, the server comes back.
        pidfile = tmp_path / "data" / "pg" / "postmaster.pid"
        os.kill(int(pidfile.read_text().splitlines()[0]), signal.SIGINT)
        out.wait_for("database unavailable")
        out.wait_for("embedded PostgreSQL restarted")
        out.wait_for("database available again")
        assert ready(gateway, within=60)

        # Two more deaths within the window: the limit (2 restarts) is passed.
        component_pid(me, "enterprise_service").kill()
        out.wait_for("enterprise restarted")
        assert ready(enterprise)
        component_pid(me, "enterprise_service").kill()
        out.wait_for("giving up")
        assert proc.wait(60) == 1
        out.wait_for("stopped.")
        time.sleep(0.5)
        # Nothing left: not the components, not the PostgreSQL it restarted.
        assert ours(tmp_path) == []
        for port in ports.values():
            with pytest.raises(httpx.HTTPError):
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for p in ours(tmp_path):
            p.kill()
        out.close()


class TestDevIssuerSafety:
    @pytest.mark.parametrize(
        ("host", "requested", "on"),
        [
            ("127.0.0.1", None, True),
            ("localhost", None, True),
            ("::1", None, True),
            ("127.0.0.1", "false", False),
            ("0.0.0.0", None, False),
            ("192.0.2.10", None, False),
            ("0.0.0.0", "false", False),
        ],
    )
    def test_on_only_on_loopback(self, host: str, requested: str | None, on: bool) -> None:
        assert dev_issuer_on(host, requested) is on

    def test_asking_for_it_on_a_reachable_address_refuses_to_start(self, tmp_path: Path) -> None:
        env = dict(
            os.environ,
            GXST_HOST="0.0.0.0",
            GATEWAY_DEV_ISSUER="true",
            GXST_DATA_DIR=str(tmp_path / "data"),
            PG_PORT=str(free_port()),
        )
        env.pop("DATABASE_URL", None)
        run = subprocess.run(
            [sys.executable, "-m", "devstack.run"],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert run.returncode != 0
        assert "refusing to start" in run.stderr
        assert "make key ROLE=admin" in run.stderr
        # It stopped before starting anything: no database was even created.
        assert not (tmp_path / "data").exists()
