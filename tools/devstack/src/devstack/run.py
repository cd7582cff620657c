"""``make run``: PostgreSQL, bootstrap, migrations, then every service and the gateway.

Ctrl-C (or SIGTERM) stops the services, the gateway and the embedded
PostgreSQL, in that order, leaving no process behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

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


def component_env(
    comp: Component, dsns: dict[str, str], secrets: Secrets, urls: dict[str, str]
) -> dict[str, str]:
    """The environment a component runs with: its DSN, the principal keys, its peers' URLs."""
    env = dict(os.environ)
    env[comp.env_prefix + "DATABASE_URL"] = dsns[comp.name]
    env["PRINCIPAL_PUBLIC_KEY"] = secrets.principal_public_key
    if comp is GATEWAY:
        env["GATEWAY_PRINCIPAL_PRIVATE_KEY"] = secrets.principal_private_key
        env.setdefault("GATEWAY_DEV_ISSUER", "true")  # local sign-in: POST /dev/token
        for svc in SERVICES:
            env[f"GATEWAY_UPSTREAM_{svc.name.upper()}"] = urls[svc.name]
    if comp.name == "talent":
        env.setdefault("TALENT_PII_KEY", secrets.talent_pii_key)
    if comp.name == "reporting":
        for name in WORKSTREAMS:
            env[f"REPORTING_{name.upper()}_URL"] = urls[name]
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

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    procs: dict[str, subprocess.Popen[bytes]] = {}
    with database() as db:
        try:
            urls = {comp.name: url_of(comp) for comp in ALL}
            for comp in ALL:
                env = component_env(comp, db.dsns, db.secrets, urls)
                procs[comp.name] = spawn(comp, env, HOST, port_of(comp))
            wait_ready(urls)
            print(f"\nGuangxi S&T platform is up ({db.where()}):")
            for comp in ALL:
                print(f"  {comp.name:<11} {url_of(comp)}")
            gw = url_of(GATEWAY)
            print(f"\nPublic entry: {gw}  (dashboard: {gw}/  docs: {gw}/docs)")
            again = same_environment()
            print(f"Create a key: {again}make key ROLE=admin    Stop: Ctrl-C", flush=True)
            print(f"Demo data:    {again}make demo\n", flush=True)
            while not stopping:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        print(f"{name} exited with {proc.returncode}; stopping", flush=True)
                        stopping = True
                time.sleep(0.3)
        finally:
            print("stopping…", flush=True)
            for proc in procs.values():
                if proc.poll() is None:
                    proc.terminate()
            for proc in procs.values():
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
