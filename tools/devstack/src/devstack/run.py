"""``make run``: PostgreSQL, bootstrap, migrations, then every service and the gateway.

The components run supervised (devstack.supervise): a dead one is restarted with
back-off, database outages are logged, and Ctrl-C (or SIGTERM) stops the services,
the gateway and the embedded PostgreSQL, in that order, leaving no process behind.

The development token issuer (``POST /dev/token``: any role without a credential)
is on only while every address bound is loopback: with ``GXST_HOST`` set to any
other address it is off, and ``GATEWAY_DEV_ISSUER=true`` there refuses to start.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import time
from functools import partial
from types import FrameType
from urllib.parse import urlsplit

import httpx

from devstack.bootstrap import Secrets
from devstack.layout import (
    ALL,
    GATEWAY,
    HOST,
    REPO,
    SERVICES,
    WORKSTREAMS,
    Component,
    port_of,
    same_environment,
    url_of,
)
from devstack.pg import _die_with_parent
from devstack.stack import database
from devstack.supervise import GiveUp, Supervisor, log


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def dev_issuer_on(host: str, requested: str | None) -> bool:
    """Whether make run turns the development token issuer on; SystemExit if unsafe.

    It mints any role for anyone who can reach the gateway, so it stays off when
    the gateway is reachable from other machines, and asking for it there is an error.
    """
    wanted = None if requested is None else requested.strip().lower() in ("1", "true", "yes")
    if is_loopback(host):
        return wanted is not False
    if wanted:
        raise SystemExit(
            f"refusing to start: GATEWAY_DEV_ISSUER=true with GXST_HOST={host}, which other "
            "machines can reach, would let anyone mint an admin token (POST /dev/token). "
            "Unset GATEWAY_DEV_ISSUER and sign in with an API key (make key ROLE=admin), "
            "or bind to 127.0.0.1."
        )
    return False


def component_env(
    comp: Component, dsns: dict[str, str], secrets: Secrets, urls: dict[str, str]
) -> dict[str, str]:
    """The environment a component runs with: its DSN, the principal keys, its peers' URLs."""
    env = dict(os.environ)
    env[comp.env_prefix + "DATABASE_URL"] = dsns[comp.name]
    env["PRINCIPAL_PUBLIC_KEY"] = secrets.principal_public_key
    if comp is GATEWAY:
        env["GATEWAY_PRINCIPAL_PRIVATE_KEY"] = secrets.principal_private_key
        # Local sign-in (POST /dev/token) only while the gateway is bound to loopback.
        on = dev_issuer_on(HOST, os.environ.get("GATEWAY_DEV_ISSUER"))
        env["GATEWAY_DEV_ISSUER"] = "true" if on else "false"
        for svc in SERVICES:
            env[f"GATEWAY_UPSTREAM_{svc.name.upper()}"] = urls[svc.name]
    if comp.name == "talent":
        env.setdefault("TALENT_PII_KEY", secrets.talent_pii_key)
    if comp.name == "reporting":
        for name in WORKSTREAMS:
            env[f"REPORTING_{name.upper()}_URL"] = urls[name]
    if comp.name == "projects":
        # Review rounds draw reviewers from talent's expert database.
        env["PROJECTS_TALENT_URL"] = urls["talent"]
    return env


def spawn(comp: Component, env: dict[str, str], host: str, port: int) -> subprocess.Popen[bytes]:
    """Start one component under uvicorn as a child that dies with its parent."""
    return spawn_module(comp.module, env, host, port)


def spawn_module(module: str, env: dict[str, str], host: str, port: int) -> subprocess.Popen[bytes]:
    """Start the ASGI factory ``module`` under uvicorn (uvloop, httptools, one worker)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            module,
            "--factory",
            "--host",
            host,
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            os.environ.get("UVICORN_LOG_LEVEL", "warning"),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--timeout-graceful-shutdown",
            "5",
        ],
        env=env,
        cwd=REPO,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def wait_ready(urls: dict[str, str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(urls)
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            try:
                if httpx.get(url + "/readyz", timeout=1.0).status_code == 200:
                    del pending[name]
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    if pending:
        raise RuntimeError("not ready: " + ", ".join(pending))


def main() -> int:
    stopping = False
    dev_issuer = dev_issuer_on(HOST, os.environ.get("GATEWAY_DEV_ISSUER"))  # refuse early

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    status = 0
    with database() as db:
        db_host, db_port = database_address(db.admin_dsn)
        sup = Supervisor(db_host, db_port, embedded=db.embedded)
        owned = db.embedded.pgdata if db.embedded and db.embedded.process else None
        try:
            urls = {comp.name: url_of(comp) for comp in ALL}
            for comp in ALL:
                env = component_env(comp, db.dsns, db.secrets, urls)
                sup.start(comp.name, partial(spawn, comp, env, HOST, port_of(comp)))
            wait_ready(urls)
            print(f"\nGuangxi S&T platform is up ({db.where()}):")
            for comp in ALL:
                print(f"  {comp.name:<11} {url_of(comp)}")
            gw = url_of(GATEWAY)
            print(f"\nPublic entry: {gw}  (dashboard: {gw}/  docs: {gw}/docs)")
            if not dev_issuer:
                print(
                    f"Development sign-in (POST /dev/token) is off: {HOST} is not loopback. "
                    "Sign in with an API key: make key ROLE=admin"
                )
            again = same_environment()
            print(f"Create a key: {again}make key ROLE=admin    Stop: Ctrl-C", flush=True)
            print(f"Demo data:    {again}make demo\n", flush=True)
            while not stopping:
                sup.step()
                time.sleep(0.3)
        except GiveUp as exc:
            log(str(exc))
            status = 1
        finally:
            print("stopping…", flush=True)
            sup.stop(owned)
    print("stopped.", flush=True)
    return status


def database_address(dsn: str) -> tuple[str, int]:
    """Host and port of a PostgreSQL URL (what the supervisor probes)."""
    parsed = urlsplit(dsn)
    return parsed.hostname or "127.0.0.1", parsed.port or 5432


if __name__ == "__main__":
    raise SystemExit(main())
