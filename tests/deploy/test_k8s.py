"""The Kubernetes manifests: schema-valid, complete per component, hardened, no secrets."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from tests.deploy.helpers import (
    COMPONENTS,
    K8S,
    WORKSTREAMS,
    Manifest,
    by_kind,
    containers,
    load_docs,
    load_module,
    pod_spec,
    render,
)

# Oldest Kubernetes we support: the schemas of this release must accept everything.
KUBERNETES_VERSION = "1.30.0"
TARGETS = {
    "base": K8S / "base",
    "production": K8S / "overlays" / "production",
    "staging": K8S / "overlays" / "staging",
}
SECRETISH = re.compile(r"(DATABASE_URL|PASSWORD|SECRET|TOKEN|PRIVATE_KEY|PUBLIC_KEY|_KEY)$")


@pytest.fixture(scope="module", params=sorted(TARGETS))
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[Manifest]]:
    return request.param, render(TARGETS[request.param])


def test_base_is_what_the_generator_writes() -> None:
    generator = load_module(K8S / "generate.py", "deploy_k8s_generate")
    expected = generator.render()
    on_disk = {p.name: p.read_text() for p in (K8S / "base").glob("*.yaml")}
    assert on_disk == expected, "deploy/k8s/base is stale: run uv run python deploy/k8s/generate.py"


def test_every_manifest_matches_the_kubernetes_schema(rendered: tuple[str, list[Manifest]]) -> None:
    kv = pytest.importorskip("kubernetes_validate")
    _, docs = rendered
    for doc in docs:
        # strict: unknown fields (typos like readinesProbe) fail too.
        kv.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_catches_a_broken_manifest() -> None:
    kv = pytest.importorskip("kubernetes_validate")
    doc = render(TARGETS["base"])
    deployment = by_kind(doc, "Deployment")["projects"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kv.ValidationError):
        kv.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_every_component_has_deployment_service_hpa_and_migration_job(
    rendered: tuple[str, list[Manifest]],
) -> None:
    _, docs = rendered
    deployments, services = by_kind(docs, "Deployment"), by_kind(docs, "Service")
    hpas, jobs = by_kind(docs, "HorizontalPodAutoscaler"), by_kind(docs, "Job")
    assert set(deployments) == set(COMPONENTS)
    for name in COMPONENTS:
        dep, svc, hpa = deployments[name], services[name], hpas[name]
        pod_labels = dep["spec"]["template"]["metadata"]["labels"]
        assert dep["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
        assert svc["spec"]["selector"].items() <= pod_labels.items()
        port_names = {p["name"] for p in dep["spec"]["template"]["spec"]["containers"][0]["ports"]}
        assert {p["targetPort"] for p in svc["spec"]["ports"]} <= port_names
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]

        migration = jobs[f"{name}-migrate"]
        (job_container,) = containers(migration)
        assert job_container["args"] == ["migrate"]
        assert job_container["image"] == containers(dep)[0]["image"], "same image as the server"
        assert _secret_env(job_container) == _secret_env(containers(dep)[0]) & {
            f"{name.upper()}_DATABASE_URL"
        }
    assert "gxst-db-bootstrap" in jobs


def _secret_env(container: Manifest) -> set[str]:
    return {e["name"] for e in container.get("env", []) if "secretKeyRef" in e.get("valueFrom", {})}


def test_every_pod_is_probed_limited_and_locked_down(rendered: tuple[str, list[Manifest]]) -> None:
    _, docs = rendered
    for doc in docs:
        spec = pod_spec(doc)
        if spec is None:
            continue
        where = f"{doc['kind']}/{doc['metadata']['name']}"
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec.get("automountServiceAccountToken") is False, where
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for c in containers(doc):
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["capabilities"]["drop"] == ["ALL"], where
            assert sc.get("runAsNonRoot", True) is True, where
            assert sc.get("privileged", False) is False, where
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(c["resources"][kind]), f"{where} {kind}"
            tmp = [m for m in c["volumeMounts"] if m["mountPath"] == "/tmp"]
            assert tmp, f"{where}: writable /tmp"
            assert "emptyDir" in volumes[tmp[0]["name"]], f"{where}: /tmp is an emptyDir"
            if doc["kind"] == "Deployment":
                assert c["readinessProbe"]["httpGet"]["path"] == "/readyz", where
                assert c["livenessProbe"]["httpGet"]["path"] == "/healthz", where


def test_secrets_are_referenced_never_inlined(rendered: tuple[str, list[Manifest]]) -> None:
    _, docs = rendered
    assert not [d for d in docs if d["kind"] == "Secret"], "Secrets are provisioned outside git"
    text = yaml.safe_dump_all(docs)
    assert "-----BEGIN" not in text
    assert not re.search(r"postgres(ql)?(\+\w+)?://[^\s/]*:[^\s/@]*@", text), "DSN with password"
    for doc in docs:
        for c in containers(doc):
            for env in c.get("env", []):
                if SECRETISH.search(env["name"]):
                    assert "value" not in env, f"{env['name']} inlined in {doc['metadata']['name']}"
                    assert "secretKeyRef" in env["valueFrom"], env["name"]
    for cm in by_kind(docs, "ConfigMap").values():
        for name, value in cm["data"].items():
            assert not SECRETISH.search(name), name
            assert "@" not in value, f"{name} carries credentials"


def test_gateway_and_reporting_get_their_upstreams_from_the_configmap(
    rendered: tuple[str, list[Manifest]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gateway.config import Settings as GatewaySettings
    from reporting_service.config import Settings as ReportingSettings

    _, docs = rendered
    data = by_kind(docs, "ConfigMap")["gxst-upstreams"]["data"]
    deployments = by_kind(docs, "Deployment")
    for name in ("gateway", "reporting"):
        refs = [e["configMapRef"]["name"] for e in containers(deployments[name])[0]["envFrom"]]
        assert refs == ["gxst-upstreams", "gxst-telemetry"]
    for k, v in data.items():
        monkeypatch.setenv(k, v)
    # The settings classes read these names: a renamed variable would leave defaults.
    services = [c for c in COMPONENTS if c != "gateway"]
    assert GatewaySettings().upstreams() == {s: f"http://{s}:8000" for s in services}
    assert ReportingSettings().service_urls() == {s: f"http://{s}:8000" for s in WORKSTREAMS}


def test_only_the_gateway_signs_principals(rendered: tuple[str, list[Manifest]]) -> None:
    _, docs = rendered
    for name, dep in by_kind(docs, "Deployment").items():
        env = {e["name"]: e for e in containers(dep)[0]["env"]}
        assert env["PRINCIPAL_PUBLIC_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "gxst-principal"
        has_private = "GATEWAY_PRINCIPAL_PRIVATE_KEY" in env
        assert has_private == (name == "gateway"), name
        assert env[f"{name.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
            "name": f"gxst-{name}-db",
            "key": "url",
        }


def test_network_policies_let_only_gateway_and_reporting_reach_services() -> None:
    docs = render(TARGETS["base"])
    policies = by_kind(docs, "NetworkPolicy")
    deny = policies["gxst-default-deny-ingress"]["spec"]
    assert deny["policyTypes"] == ["Ingress"]
    assert "ingress" not in deny

    def callers(target: str) -> set[str]:
        (policy,) = [
            p
            for p in policies.values()
            if p["spec"]["podSelector"]["matchLabels"].get("app.kubernetes.io/name") == target
        ]
        peers: list[dict[str, Any]] = [
            f for rule in policy["spec"]["ingress"] for f in rule["from"]
        ]
        return {
            p["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
            for p in peers
            if "podSelector" in p
        }

    for name in WORKSTREAMS:
        assert callers(name) == {"gateway", "reporting"}, name
    assert callers("reporting") == {"gateway"}


@pytest.mark.parametrize("overlay", ["production", "staging"])
def test_overlays_pin_images_and_set_a_namespace(overlay: str) -> None:
    docs = render(TARGETS[overlay])
    namespaces = {d["metadata"]["name"] for d in docs if d["kind"] == "Namespace"}
    assert len(namespaces) == 1
    for doc in docs:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] in namespaces, doc["metadata"]["name"]
        for c in containers(doc):
            image, _, tag = c["image"].rpartition(":")
            assert "/" in image, c["image"]
            assert not image.startswith("gxst/"), f"{c['image']}: registry not set"
            assert tag not in ("", "latest"), c["image"]


@pytest.mark.parametrize("overlay", ["production", "staging"])
def test_overlays_set_the_gateways_public_url(overlay: str) -> None:
    data = by_kind(render(TARGETS[overlay]), "ConfigMap")["gxst-upstreams"]["data"]
    assert data["GATEWAY_PUBLIC_BASE_URL"].startswith("https://")
    assert data["GATEWAY_UPSTREAM_PROJECTS"] == "http://projects:8000", "patch merges"


def test_production_overlay_scales_the_gateway() -> None:
    base, prod = render(TARGETS["base"]), render(TARGETS["production"])
    assert by_kind(prod, "Deployment")["gateway"]["spec"]["replicas"] == 3
    assert by_kind(prod, "HorizontalPodAutoscaler")["gateway"]["spec"]["minReplicas"] == 3
    limits = containers(by_kind(prod, "Deployment")["reporting"])[0]["resources"]["limits"]
    assert limits["memory"] == "2Gi"
    # Patches merge: the probes and security context from base survive.
    base_gw = containers(by_kind(base, "Deployment")["gateway"])[0]
    prod_gw = containers(by_kind(prod, "Deployment")["gateway"])[0]
    assert prod_gw["readinessProbe"] == base_gw["readinessProbe"]
    assert prod_gw["securityContext"] == base_gw["securityContext"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_python_rendering_agrees_with_kubectl_kustomize(target: str) -> None:
    out = subprocess.run(
        ["kubectl", "kustomize", str(TARGETS[target])],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    theirs = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(out) if d}
    ours = {(d["kind"], d["metadata"]["name"]): d for d in render(TARGETS[target])}
    assert ours == theirs


def test_every_resource_belongs_to_one_rollout_step(rendered: tuple[str, list[Manifest]]) -> None:
    # deploy/README.md applies foundation, bootstrap, migration, then server with `-l`:
    # a resource without one of these labels would never be applied.
    _, docs = rendered
    steps = {"foundation", "bootstrap", "migration", "server"}
    for doc in docs:
        step = doc["metadata"].get("labels", {}).get("app.kubernetes.io/component")
        assert step in steps, f"{doc['kind']}/{doc['metadata']['name']}: {step}"
    jobs = by_kind(docs, "Job")
    assert {j["metadata"]["labels"]["app.kubernetes.io/component"] for j in jobs.values()} == {
        "bootstrap",
        "migration",
    }


def test_monitoring_is_what_the_generator_writes() -> None:
    generator = load_module(K8S / "generate.py", "deploy_k8s_generate")
    on_disk = {p.name: p.read_text() for p in (K8S / "monitoring").glob("*.yaml")}
    assert on_disk == generator.render_monitoring(), "run make k8s-base"


def test_every_component_is_scraped_and_traced(rendered: tuple[str, list[Manifest]]) -> None:
    target, docs = rendered
    telemetry = by_kind(docs, "ConfigMap")["gxst-telemetry"]["data"]
    # Base: no collector named, so tracing stays off; overlays point at theirs.
    assert bool(telemetry["OTEL_EXPORTER_OTLP_ENDPOINT"]) is (target != "base")
    assert telemetry["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf"
    services = by_kind(docs, "Service")
    (monitor,) = load_docs(K8S / "monitoring" / "servicemonitor.yaml")
    selector = monitor["spec"]["selector"]
    endpoint = monitor["spec"]["endpoints"][0]
    for name, dep in by_kind(docs, "Deployment").items():
        template = dep["spec"]["template"]
        assert template["metadata"]["annotations"] == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": "8000",
            "prometheus.io/path": "/metrics",
        }
        (container,) = containers(dep)
        assert {"name": "OTEL_SERVICE_NAME", "value": f"gxst-{name}"} in container["env"]
        assert {"configMapRef": {"name": "gxst-telemetry"}} in container["envFrom"]
        # The ServiceMonitor selects this component's Service and its named port.
        svc_labels = services[name]["metadata"]["labels"]
        assert selector["matchLabels"].items() <= svc_labels.items()
        assert svc_labels["app.kubernetes.io/name"] in selector["matchExpressions"][0]["values"]
        assert endpoint["port"] in {p["name"] for p in services[name]["spec"]["ports"]}
    assert endpoint["path"] == "/metrics"
    assert endpoint["relabelings"][0]["replacement"] == "gxst-$1"
