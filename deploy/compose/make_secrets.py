"""Create the secrets the compose stack reads, in deploy/compose/secrets/ (git-ignored).

    uv run python deploy/compose/make_secrets.py [--dir PATH] [--host postgres]

Writes, keeping any file that already exists (so rerunning never rotates a live
password behind the database's back):

- ``postgres_password``: the PostgreSQL superuser's password (Docker secret).
- ``principal_private_key.pem`` / ``principal_public_key.pem``: the Ed25519 pair the
  gateway signs forwarded principals with and the services verify (Docker secrets).
- ``admin.env``: ``ADMIN_DATABASE_URL`` for the bootstrap one-shot.
- ``<component>.env``: ``<COMPONENT>_DATABASE_URL``, that component's own role.
"""

from __future__ import annotations

import argparse
import base64
import secrets
import sys
from pathlib import Path
from urllib.parse import quote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

COMPONENTS = ("projects", "enterprise", "talent", "transfer", "reporting", "gateway")
DATABASE = "gxst"
HERE = Path(__file__).resolve().parent


def _write(path: Path, content: str, mode: int) -> bool:
    if path.exists():
        return False
    path.write_text(content)
    path.chmod(mode)
    return True


def _password() -> str:
    return secrets.token_urlsafe(24)


def make_secrets(directory: Path, host: str = "postgres", port: int = 5432) -> list[Path]:
    """Create the missing secret files under ``directory``; return those created."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    created: list[Path] = []

    def write(name: str, content: str, mode: int = 0o600) -> None:
        if _write(directory / name, content, mode):
            created.append(directory / name)

    pw_file = directory / "postgres_password"
    write("postgres_password", _password() + "\n")
    admin_pw = pw_file.read_text().strip()
    write(
        "admin.env",
        f"ADMIN_DATABASE_URL=postgresql://postgres:{quote(admin_pw, safe='')}"
        f"@{host}:{port}/postgres\n",
    )
    if not (directory / "principal_private_key.pem").exists():
        key = Ed25519PrivateKey.generate()
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        # Docker bind-mounts file secrets with their host mode; the services run as uid
        # 10001, so the keys must be world-readable (the directory itself is 0700).
        write("principal_private_key.pem", private, 0o644)
        (directory / "principal_public_key.pem").unlink(missing_ok=True)
        write("principal_public_key.pem", public, 0o644)
    for comp in COMPONENTS:
        dsn = f"postgresql://gxst_{comp}:{_password()}@{host}:{port}/{DATABASE}"
        write(f"{comp}.env", f"{comp.upper()}_DATABASE_URL={dsn}\n")
    # AES-256-GCM key for the talent service's personal identifiers (ID numbers, phones).
    pii = base64.b64encode(secrets.token_bytes(32)).decode()
    write("talent-pii.env", f"TALENT_PII_KEY={pii}\n")
    return created


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=HERE / "secrets")
    parser.add_argument("--host", default="postgres", help="PostgreSQL host as the stack sees it")
    parser.add_argument("--port", type=int, default=5432)
    args = parser.parse_args(argv)
    created = make_secrets(args.dir, args.host, args.port)
    for path in created:
        sys.stdout.write(f"created {path}\n")
    if not created:
        sys.stdout.write(f"all secrets already present in {args.dir}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
