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
        check_make_key(env, gateway)
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


def make_key(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devstack.cli", "key", *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def check_make_key(env: dict[str, str], gateway: str) -> None:
    """`make key` in `make run`'s environment: bank signing keys for partner banks only."""
    empty = make_key(env, "--role", "bank", "--bank", "RUNBANK")
    assert empty.returncode == 2, empty.stdout
    assert "bank_partner_unknown" in empty.stderr
    assert "名录中尚无有效的合作银行" in empty.stderr  # a fresh database has no partners
    admin = make_key(env, "--role", "admin")
    assert admin.returncode == 0, admin.stderr
    key = admin.stdout.strip().splitlines()[-1]
    body = {"code": "RUNBANK", "name": "运行银行", "agreement_signed_on": "2021-05-01"}
    r = httpx.post(
        gateway + "/api/enterprise/v1/partner-banks", json=body, headers={"X-API-Key": key}
    )
    assert r.status_code == 201, r.text
    made = make_key(env, "--role", "bank", "--bank", "RUNBANK")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("key_id=bk_")
    assert "secret=gxs_" in made.stdout
    wrong = make_key(env, "--role", "bank", "--bank", "RUNBANKX")
    assert wrong.returncode == 2
    assert "RUNBANK" in wrong.stderr.split("可用的合作银行代码：")[1]
