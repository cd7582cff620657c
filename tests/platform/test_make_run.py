"""`make run`'s supervisor: everything up, the gateway healthy, Ctrl-C leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from devstack.layout import ALL, REPO
from devstack.pg import free_port


def test_run_serves_and_stops_cleanly(tmp_path: Path) -> None:
    env = dict(os.environ, GXST_DATA_DIR=str(tmp_path / "data"), PG_PORT=str(free_port()))
    env.pop("DATABASE_URL", None)
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
    out: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 180
        for line in proc.stdout:
            out.append(line)
            if "Public entry" in line or time.monotonic() > deadline:
                break
        assert any("is up" in line for line in out), "".join(out)
        listed = "".join(out)
        assert f"data in {tmp_path / 'data' / 'pg'}" in listed  # where the data really is
        for comp in ALL:
            assert f"http://127.0.0.1:{ports[comp.name]}" in listed
        gateway = f"http://127.0.0.1:{ports['gateway']}"
        assert httpx.get(gateway + "/healthz", timeout=5).status_code == 200
        children = psutil.Process(proc.pid).children(recursive=True)
        postgres = [
            p
            for p in psutil.process_iter(["cmdline"])
            if str(tmp_path) in " ".join(p.info["cmdline"] or [])
            and "postgres" in " ".join(p.info["cmdline"] or [])
        ]
        assert len(children) >= len(ALL)
        assert postgres, "embedded PostgreSQL not found"
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert proc.wait(60) == 0
        time.sleep(0.5)
        alive = [p for p in [*children, *postgres] if p.is_running() and p.status() != "zombie"]
        assert alive == [], alive
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
