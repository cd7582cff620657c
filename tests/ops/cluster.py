"""Several replicas of each component behind a real HAProxy on this machine.

Each component listens on its own HAProxy front port; its replicas are processes
on free ports behind it, checked on ``/readyz``. Peers reach each other through
HAProxy too (the gateways' upstreams, reporting's workstream URLs), as they would
through a Kubernetes Service. The HAProxy settings are the ones a deployment
needs for a replica dying under load:

- ``retries`` + ``option redispatch``: a connection refused by a dead replica is
  sent to another one (the request never reached the dead one, any method);
- ``retry-on all-retryable-errors`` for GET/HEAD only: a read cut short by the
  kill is read again elsewhere. A write that was in flight is not repeated by the
  load balancer (it may have committed): the client sees 502 and retries;
- health checks every 500 ms take the dead replica out of rotation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.layout import ALL, REPO, Component
from devstack.pg import free_port
from devstack.pytest_plugin import TestDatabase
from devstack.run import component_env, spawn, wait_ready
from tests.e2e.conftest import Stack

HOST = "127.0.0.1"


def haproxy() -> str | None:
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.path.exists(p)), None
    )


@dataclass
class Replica:
    name: str  # gateway-1, projects-2, …
    component: Component
    port: int
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


@dataclass
class Cluster:
    fronts: dict[str, str]  # component → HAProxy URL
    replicas: dict[str, Replica]
    dsns: dict[str, str]
    haproxy: subprocess.Popen[bytes] | None = None
    extra: dict[str, Replica] = field(default_factory=dict)

    def stack(self) -> Stack:
        """A :class:`Stack` view (gateway = the load balancer) for the e2e helpers."""
        # The e2e helpers run the gateway CLI with a gateway's own environment.
        return Stack(dict(self.fronts), self.dsns, {"gateway": self.of("gateway")[0].env})

    def of(self, component: str) -> list[Replica]:
        return [r for r in self.replicas.values() if r.component.name == component]

    def kill(self, name: str) -> None:
        """SIGKILL: in-flight requests die with the process."""
        proc = self.replicas[name].proc
        assert proc is not None
        proc.kill()
        proc.wait(10)

    def start(self, name: str) -> None:
        rep = self.replicas[name]
        rep.proc = spawn(rep.component, rep.env, HOST, rep.port)
        wait_ready({name: rep.url}, timeout=60)

    def backend_up(self, component: str) -> int:
        """How many of ``component``'s replicas answer (what HAProxy will find)."""
        up = 0
        for rep in self.of(component):
            with suppress(httpx.HTTPError):
                up += httpx.get(rep.url + "/readyz", timeout=1).status_code == 200
        return up


def haproxy_config(fronts: Mapping[str, int], backends: Mapping[str, list[int]]) -> str:
    lines = [
        "global",
        "    maxconn 4000",
        "defaults",
        "    mode http",
        "    timeout connect 1s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout http-keep-alive 10s",
        "    timeout check 1s",
        "    retries 3",
        "    option redispatch 1",
        "    retry-on all-retryable-errors",
        "    option httpchk GET /readyz",
        "    http-check expect status 200",
        "    default-server inter 500ms fall 2 rise 2",
    ]
    for name, port in fronts.items():
        lines += [
            f"frontend fe_{name}",
            f"    bind {HOST}:{port}",
            "    # Writes in flight are never repeated by the load balancer.",
            "    http-request disable-l7-retry unless METH_GET or METH_HEAD",
            f"    default_backend be_{name}",
            f"backend be_{name}",
            "    balance roundrobin",
        ]
        lines += [f"    server {name}{i} {HOST}:{p} check" for i, p in enumerate(backends[name])]
    return "\n".join(lines) + "\n"


@contextmanager
def start_cluster(
    pg: TestDatabase,
    database: str,
    workdir: Path,
    *,
    replicas: Mapping[str, int],
    env: Mapping[str, Mapping[str, str]] | None = None,
    extra_gateways: Mapping[str, Mapping[str, str]] | None = None,
) -> Iterator[Cluster]:
    """Every component with ``replicas[name]`` processes behind one HAProxy.

    ``extra_gateways`` are more gateway processes outside the load balancer, with
    their own settings, on the same database and upstreams.
    """
    tool = haproxy()
    assert tool is not None, "haproxy is not installed (make ops-tools)"
    dsns = pg.fresh_database(database)
    fronts = {c.name: free_port() for c in ALL}
    front_urls = {name: f"http://{HOST}:{port}" for name, port in fronts.items()}
    cluster = Cluster(front_urls, {}, dsns)
    backends: dict[str, list[int]] = {}
    for comp in ALL:
        base = component_env(comp, dsns, pg.secrets, front_urls)
        base[comp.env_prefix + "LOG_LEVEL"] = "WARNING"
        base.update((env or {}).get(comp.name, {}))
        backends[comp.name] = []
        for i in range(1, replicas.get(comp.name, 1) + 1):
            rep = Replica(f"{comp.name}-{i}", comp, free_port(), dict(base))
            cluster.replicas[rep.name] = rep
            backends[comp.name].append(rep.port)
    gateway = next(c for c in ALL if c.name == "gateway")
    for name, settings in (extra_gateways or {}).items():
        base = component_env(gateway, dsns, pg.secrets, front_urls)
        base["GATEWAY_LOG_LEVEL"] = "WARNING"
        base.update((env or {}).get("gateway", {}))
        base.update(settings)
        cluster.extra[name] = Replica(name, gateway, free_port(), base)
    config = workdir / "haproxy.cfg"
    config.write_text(haproxy_config(fronts, backends), encoding="utf-8")
    check = subprocess.run([tool, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    try:
        for rep in [*cluster.replicas.values(), *cluster.extra.values()]:
            rep.proc = spawn(rep.component, rep.env, HOST, rep.port)
        cluster.haproxy = subprocess.Popen([tool, "-db", "-q", "-f", str(config)], cwd=REPO)
        urls = {r.name: r.url for r in [*cluster.replicas.values(), *cluster.extra.values()]}
        wait_ready(urls | {f"lb-{n}": u for n, u in front_urls.items()}, timeout=150)
        yield cluster
    finally:
        procs = [r.proc for r in [*cluster.replicas.values(), *cluster.extra.values()] if r.proc]
        if cluster.haproxy is not None:
            procs.append(cluster.haproxy)
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 15
        for proc in procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
