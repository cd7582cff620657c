"""The real stack for end-to-end tests: every service and the gateway as processes.

They run on free ports against their own database on the test PostgreSQL
server, with the same environment ``make run`` gives them.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import pytest

from devstack.layout import ALL, GATEWAY, Component
from devstack.pg import free_port
from devstack.pytest_plugin import TestDatabase
from devstack.run import component_env, spawn, wait_ready

HOST = "127.0.0.1"
# Every browser test's Chromium: headless, and in Chinese — the browser's own controls
# (a file input's button, a dialog's buttons) speak the browser's language.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
    "--lang=zh-CN",
]


@dataclass
class Stack:
    urls: dict[str, str]
    dsns: dict[str, str]
    envs: dict[str, dict[str, str]]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def gateway(self) -> str:
        return self.urls["gateway"]

    def component(self, name: str) -> Component:
        return next(c for c in ALL if c.name == name)

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name)
        proc.terminate()
        proc.wait(10)

    def kill(self, name: str) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        proc = self.procs.pop(name)
        proc.kill()
        proc.wait(10)

    def start(self, name: str) -> None:
        comp = self.component(name)
        port = int(self.urls[name].rsplit(":", 1)[1])
        self.procs[name] = spawn(comp, self.envs[name], HOST, port)
        wait_ready({name: self.urls[name]})

    def client(self, key: str | None = None, headers: dict[str, str] | None = None) -> httpx.Client:
        merged = {"X-API-Key": key} if key else {}
        merged.update(headers or {})
        return httpx.Client(base_url=self.gateway, headers=merged, timeout=30.0)


@contextmanager
def start_stack(
    pg: TestDatabase, database: str, *, env: Mapping[str, Mapping[str, str]] | None = None
) -> Iterator[Stack]:
    """Every component as a process on free ports, against its own fresh database.

    ``env`` adds or overrides variables per component (``{"gateway": {...}}``).
    """
    dsns = pg.fresh_database(database)
    urls = {c.name: f"http://{HOST}:{free_port()}" for c in ALL}
    envs = {c.name: component_env(c, dsns, pg.secrets, urls) for c in ALL}
    for comp in ALL:
        envs[comp.name][comp.env_prefix + "LOG_LEVEL"] = "WARNING"
    envs["gateway"]["GATEWAY_API_KEY_CACHE_SECONDS"] = "0"
    for name, extra in (env or {}).items():
        envs[name].update(extra)
    st = Stack(urls, dsns, envs)
    try:
        for comp in ALL:
            port = int(urls[comp.name].rsplit(":", 1)[1])
            st.procs[comp.name] = spawn(comp, envs[comp.name], HOST, port)
        wait_ready(urls, timeout=90)
        yield st
    finally:
        for proc in st.procs.values():
            proc.terminate()
        for proc in st.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def stack(pg: TestDatabase) -> Iterator[Stack]:
    with start_stack(pg, "gxst_e2e") as st:
        yield st


__all__ = ["CHROMIUM_ARGS", "GATEWAY", "Stack"]
