"""`make run`, `make key` and `make demo` resolve one environment the same way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from devstack.layout import REPO
from devstack.pg import RunningPostgres
from devstack.stack import Database

PROBE = """
import json
from devstack import demo, layout, stack
print(json.dumps({
    "pg_dir": str(layout.PG_DIR),
    "pg_port": stack.default_pg_port(),
    "gateway": layout.gateway_url(),
    "demo_default": demo.gateway_url(),
    "again": layout.same_environment(),
}))
"""


def probe(**env: str) -> dict[str, object]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GXST_DATA_DIR", "PG_PORT", "GXST_HOST", "GATEWAY_PORT", "GATEWAY_URL")
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_defaults() -> None:
    got = probe()
    assert got["pg_dir"] == str(REPO / ".data" / "pg")
    assert got["pg_port"] == 54329
    assert got["gateway"] == "http://127.0.0.1:8000"
    assert got["again"] == ""


def test_changed_ports_and_data_dir_are_followed_by_every_command(tmp_path: Path) -> None:
    got = probe(GXST_DATA_DIR=str(tmp_path), PG_PORT="55999", GATEWAY_PORT="8100")
    assert got["pg_dir"] == str(tmp_path / "pg")
    assert got["pg_port"] == 55999
    # make demo calls the gateway make run started, not :8000.
    assert got["gateway"] == got["demo_default"] == "http://127.0.0.1:8100"
    assert got["again"] == f"GXST_DATA_DIR={tmp_path} PG_PORT=55999 GATEWAY_PORT=8100 "
    assert probe(GATEWAY_URL="http://10.0.0.5:9000")["gateway"] == "http://10.0.0.5:9000"


def test_the_banner_names_the_real_data_folder(tmp_path: Path) -> None:
    running = RunningPostgres("127.0.0.1", 55999, "pw", None, tmp_path / "pg")
    db = Database("dsn", {}, None, running)  # type: ignore[arg-type]
    assert db.where() == f"embedded PostgreSQL on 127.0.0.1:55999, data in {tmp_path / 'pg'}"
    assert Database("dsn", {}, None, None).where() == "DATABASE_URL"  # type: ignore[arg-type]
