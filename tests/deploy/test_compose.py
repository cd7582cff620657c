"""The compose stack: every component, its migration one-shot, order, ports, secrets."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.helpers import COMPONENTS, DEPLOY, REPO, WORKSTREAMS, load_module

COMPOSE = DEPLOY / "compose" / "compose.yaml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return doc


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = compose["services"]
    return out


def conditions(svc: dict[str, Any]) -> dict[str, str]:
    return {name: dep["condition"] for name, dep in svc.get("depends_on", {}).items()}


def test_the_stack_has_postgres_bootstrap_and_every_component(services: dict[str, Any]) -> None:
    expected = {"postgres", "bootstrap", *COMPONENTS, *(f"{c}-migrate" for c in COMPONENTS)}
    assert set(services) == expected


def test_postgres_is_18_with_a_healthcheck_and_a_persistent_volume(
    services: dict[str, Any],
) -> None:
    pg = services["postgres"]
    assert pg["image"] == "postgres:18"
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    # postgres:18 keeps PGDATA in a versioned folder below /var/lib/postgresql.
    assert any(v.endswith(":/var/lib/postgresql") for v in pg["volumes"])
    assert pg["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert "POSTGRES_PASSWORD" not in pg["environment"]


def test_each_image_is_built_for_its_component(services: dict[str, Any]) -> None:
    for name in COMPONENTS:
        for svc_name in (name, f"{name}-migrate"):
            svc = services[svc_name]
            assert svc["build"]["dockerfile"] == "deploy/docker/service.Dockerfile"
            assert (COMPOSE.parent / svc["build"]["context"]).resolve() == REPO
            assert svc["build"]["args"] == {"SERVICE": name}
            assert svc["image"].split("/")[-1].startswith(f"{name}:"), svc["image"]
    assert services["bootstrap"]["build"]["args"] == {"SERVICE": "gateway"}


def test_bootstrap_runs_once_after_postgres_is_healthy(services: dict[str, Any]) -> None:
    boot = services["bootstrap"]
    assert boot["command"] == ["python", "/app/deploy/bootstrap.py"]
    assert boot["restart"] == "no"
    assert conditions(boot) == {"postgres": "service_healthy"}
    assert set(boot["env_file"]) == {
        "./secrets/admin.env",
        *(f"./secrets/{c}.env" for c in COMPONENTS),
    }


def test_each_component_migrates_once_after_bootstrap(services: dict[str, Any]) -> None:
    for name in COMPONENTS:
        job = services[f"{name}-migrate"]
        assert job["command"] == ["migrate"]
        assert job["restart"] == "no"
        assert job["env_file"] == [f"./secrets/{name}.env"], "only its own DSN"
        assert conditions(job) == {
            "postgres": "service_healthy",
            "bootstrap": "service_completed_successfully",
        }


def test_each_component_starts_after_its_migration(services: dict[str, Any]) -> None:
    for name in COMPONENTS:
        deps = conditions(services[name])
        assert deps["postgres"] == "service_healthy", name
        assert deps[f"{name}-migrate"] == "service_completed_successfully", name
        assert services[name].get("restart") == "unless-stopped", name
    assert {d for d in conditions(services["reporting"]) if d in WORKSTREAMS} == set(WORKSTREAMS)


def test_only_the_gateway_publishes_a_port(services: dict[str, Any]) -> None:
    published = {name for name, svc in services.items() if svc.get("ports")}
    assert published == {"gateway"}
    (port,) = services["gateway"]["ports"]
    assert str(port).endswith(":8000")
    assert not any(svc.get("network_mode") == "host" for svc in services.values())


def test_containers_are_read_only_and_drop_capabilities(services: dict[str, Any]) -> None:
    for name, svc in services.items():
        if name == "postgres":
            continue  # the official image needs its own user switching
        assert svc["read_only"] is True, name
        assert svc["cap_drop"] == ["ALL"], name
        assert "/tmp" in svc["tmpfs"], name
        assert "no-new-privileges:true" in svc["security_opt"], name


def test_no_literal_secret_in_the_compose_file(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    text = COMPOSE.read_text()
    assert "-----BEGIN" not in text
    assert not re.search(r"postgres(ql)?://[^\s/]*:[^\s/@]*@", text), "DSN with a password"
    for name, svc in services.items():
        for key, value in (svc.get("environment") or {}).items():
            if re.search(r"(PASSWORD|SECRET|_KEY|DATABASE_URL)", key):
                assert str(value).startswith("/run/secrets/"), f"{name}: {key} inlined"
    for name, secret in compose["secrets"].items():
        assert secret["file"].startswith("./secrets/"), name
    ignored = (COMPOSE.parent / ".gitignore").read_text().split()
    assert "secrets/" in ignored


def test_keys_are_docker_secrets_and_only_the_gateway_has_the_private_one(
    services: dict[str, Any],
) -> None:
    for name in COMPONENTS:
        svc = services[name]
        env = svc["environment"]
        assert env["PRINCIPAL_PUBLIC_KEY"] == "/run/secrets/principal_public_key"
        assert "principal_public_key" in svc["secrets"]
        assert ("principal_private_key" in svc["secrets"]) == (name == "gateway"), name
        extra = ["./secrets/talent-pii.env"] if name == "talent" else []
        assert svc["env_file"] == [f"./secrets/{name}.env", *extra], name
    env = services["gateway"]["environment"]
    assert env["GATEWAY_PRINCIPAL_PRIVATE_KEY"] == "/run/secrets/principal_private_key"
    assert env["GATEWAY_PUBLIC_BASE_URL"].startswith("${GXST_PUBLIC_BASE_URL:-")


def test_upstream_urls_are_read_by_the_settings(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gateway.config import Settings as GatewaySettings
    from reporting_service.config import Settings as ReportingSettings

    for name in ("gateway", "reporting"):
        for key, value in services[name]["environment"].items():
            monkeypatch.setenv(key, str(value))
    others = [c for c in COMPONENTS if c != "gateway"]
    assert GatewaySettings().upstreams() == {s: f"http://{s}:8000" for s in others}
    assert ReportingSettings().service_urls() == {s: f"http://{s}:8000" for s in WORKSTREAMS}


def test_make_secrets_writes_what_compose_and_bootstrap_read(
    tmp_path: Path, services: dict[str, Any], compose: dict[str, Any]
) -> None:
    from cryptography.hazmat.primitives import serialization

    make = load_module(DEPLOY / "compose" / "make_secrets.py", "deploy_make_secrets")
    boot = load_module(DEPLOY / "docker" / "bootstrap.py", "deploy_bootstrap")
    out = tmp_path / "secrets"
    created = make.make_secrets(out)
    referenced = {Path(s["file"]).name for s in compose["secrets"].values()}
    referenced |= {Path(f).name for svc in services.values() for f in svc.get("env_file", [])}
    assert {p.name for p in created} == referenced
    assert make.make_secrets(out) == [], "a second run rotates nothing"
    assert out.stat().st_mode & 0o777 == 0o700
    assert (out / "admin.env").stat().st_mode & 0o777 == 0o600

    env: dict[str, str] = {}
    for f in out.glob("*.env"):
        k, _, v = f.read_text().strip().partition("=")
        env[k] = v
    specs = boot.read_specs(env)
    assert [(s.component, s.role, s.database) for s in specs] == [
        (c, f"gxst_{c}", "gxst") for c in COMPONENTS
    ]
    assert len({s.password for s in specs}) == len(COMPONENTS)
    assert env["ADMIN_DATABASE_URL"].startswith("postgresql://postgres:")

    private = serialization.load_pem_private_key(
        (out / "principal_private_key.pem").read_bytes(), password=None
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert (out / "principal_public_key.pem").read_bytes() == public


def test_make_secrets_cli_runs(tmp_path: Path) -> None:
    script = DEPLOY / "compose" / "make_secrets.py"
    result = subprocess.run(
        [sys.executable, str(script), "--dir", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "created" in result.stdout
    assert (tmp_path / "s" / "gateway.env").exists()
