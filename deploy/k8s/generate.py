"""Write deploy/k8s/base/ from one description of the six components.

    uv run python deploy/k8s/generate.py

The six components differ only in name, resources and peers, so their manifests
are generated rather than copied six times; the output is committed and is what
kustomize reads. tests/deploy checks the committed files equal this output: edit
this script, not the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

BASE = Path(__file__).resolve().parent / "base"
MONITORING = Path(__file__).resolve().parent / "monitoring"
PART_OF = "gxst"
PORT = 8000
UID = 10001
WORKSTREAMS = ("projects", "enterprise", "talent", "transfer")
SERVICES = (*WORKSTREAMS, "reporting")
COMPONENTS = (*SERVICES, "gateway")

Manifest = dict[str, Any]
# What the Jobs and Deployments need in place first (applied first in a release).
FOUNDATION = {"app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/component": "foundation"}


@dataclass(frozen=True)
class Sizing:
    cpu_request: str
    memory_request: str
    cpu_limit: str
    memory_limit: str
    min_replicas: int
    max_replicas: int


SIZING: dict[str, Sizing] = {
    "projects": Sizing("100m", "256Mi", "1", "512Mi", 2, 6),
    "enterprise": Sizing("100m", "256Mi", "1", "512Mi", 2, 6),
    "talent": Sizing("100m", "256Mi", "1", "512Mi", 2, 6),
    "transfer": Sizing("100m", "256Mi", "1", "512Mi", 2, 6),
    # Report rendering (DOCX/XLSX) holds whole documents in memory.
    "reporting": Sizing("200m", "512Mi", "2", "1Gi", 2, 4),
    "gateway": Sizing("200m", "256Mi", "1", "512Mi", 2, 10),
}


def labels(name: str, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/component": component,
    }


def selector(name: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": PART_OF}


def image(name: str) -> str:
    # Overlays pin the registry and tag with kustomize `images:`.
    return f"gxst/{name}:latest"


def db_env(name: str) -> list[Manifest]:
    return [
        {
            "name": f"{name.upper()}_DATABASE_URL",
            "valueFrom": {"secretKeyRef": {"name": f"gxst-{name}-db", "key": "url"}},
        }
    ]


def container_security() -> Manifest:
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": UID,
        "capabilities": {"drop": ["ALL"]},
    }


def pod_security() -> Manifest:
    return {
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": UID,
        "fsGroup": UID,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def tmp_volume() -> tuple[Manifest, Manifest]:
    return (
        {"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}},
        {"name": "tmp", "mountPath": "/tmp"},
    )


def probe(path: str, *, period: int, failures: int) -> Manifest:
    return {
        "httpGet": {"path": path, "port": "http"},
        "periodSeconds": period,
        "timeoutSeconds": 3,
        "failureThreshold": failures,
    }


def deployment(name: str) -> Manifest:
    size = SIZING[name]
    env = db_env(name)
    env.append(
        {
            "name": "PRINCIPAL_PUBLIC_KEY",
            "valueFrom": {"secretKeyRef": {"name": "gxst-principal", "key": "public.pem"}},
        }
    )
    env_from: list[Manifest] = []
    if name == "talent":
        env.append(
            {
                "name": "TALENT_PII_KEY",
                "valueFrom": {"secretKeyRef": {"name": "gxst-talent-pii", "key": "key"}},
            }
        )
    if name == "gateway":
        env.append(
            {
                "name": "GATEWAY_PRINCIPAL_PRIVATE_KEY",
                "valueFrom": {
                    "secretKeyRef": {"name": "gxst-principal-signing", "key": "private.pem"}
                },
            }
        )
    if name in ("gateway", "reporting", "projects"):
        env_from.append({"configMapRef": {"name": "gxst-upstreams"}})
    # Tracing: the overlay's OTEL_* settings (off until it names an exporter endpoint).
    env_from.append({"configMapRef": {"name": "gxst-telemetry"}})
    env.append({"name": "OTEL_SERVICE_NAME", "value": f"gxst-{name}"})
    volume, mount = tmp_volume()
    container: Manifest = {
        "name": name,
        "image": image(name),
        "imagePullPolicy": "IfNotPresent",
        "args": ["serve"],
        "ports": [{"name": "http", "containerPort": PORT, "protocol": "TCP"}],
        "env": env,
    }
    if env_from:
        container["envFrom"] = env_from
    container |= {
        "startupProbe": probe("/healthz", period=2, failures=30),
        "readinessProbe": probe("/readyz", period=10, failures=3),
        "livenessProbe": probe("/healthz", period=15, failures=4),
        # Let endpoints drop the pod before uvicorn stops accepting connections.
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
        "resources": {
            "requests": {"cpu": size.cpu_request, "memory": size.memory_request},
            "limits": {"cpu": size.cpu_limit, "memory": size.memory_limit},
        },
        "securityContext": container_security(),
        "volumeMounts": [mount],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels(name, "server")},
        "spec": {
            "replicas": size.min_replicas,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector(name)},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            },
            "template": {
                "metadata": {
                    "labels": labels(name, "server"),
                    # For a Prometheus that discovers pods by annotation (no Operator).
                    "annotations": {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": str(PORT),
                        "prometheus.io/path": "/metrics",
                    },
                },
                "spec": {
                    "serviceAccountName": "gxst",
                    "automountServiceAccountToken": False,
                    "terminationGracePeriodSeconds": 30,
                    "securityContext": pod_security(),
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "kubernetes.io/hostname",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": selector(name)},
                        }
                    ],
                    "containers": [container],
                    "volumes": [volume],
                },
            },
        },
    }


def service(name: str) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": labels(name, "server")},
        "spec": {
            "type": "ClusterIP",
            "selector": selector(name),
            "ports": [{"name": "http", "port": PORT, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def hpa(name: str) -> Manifest:
    size = SIZING[name]
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "labels": labels(name, "server")},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": size.min_replicas,
            "maxReplicas": size.max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
        },
    }


def pdb(name: str) -> Manifest:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "labels": labels(name, "server")},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": selector(name)}},
    }


def job(name: str, job_name: str, component: str, args: list[str], env: list[Manifest]) -> Manifest:
    volume, mount = tmp_volume()
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": job_name, "labels": labels(name, component)},
        "spec": {
            "backoffLimit": 3,
            "activeDeadlineSeconds": 900,
            # Job templates are immutable: the finished Job goes away so the next
            # release's `kubectl apply` can create it again (see deploy/README.md).
            "ttlSecondsAfterFinished": 3600,
            "template": {
                "metadata": {"labels": labels(name, component)},
                "spec": {
                    "restartPolicy": "Never",
                    "serviceAccountName": "gxst",
                    "automountServiceAccountToken": False,
                    "securityContext": pod_security(),
                    "containers": [
                        {
                            "name": component,
                            "image": image(name),
                            "imagePullPolicy": "IfNotPresent",
                            "args": args,
                            "env": env,
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "128Mi"},
                                "limits": {"cpu": "500m", "memory": "256Mi"},
                            },
                            "securityContext": container_security(),
                            "volumeMounts": [mount],
                        }
                    ],
                    "volumes": [volume],
                },
            },
        },
    }


def migration_job(name: str) -> Manifest:
    return job(name, f"{name}-migrate", "migration", ["migrate"], db_env(name))


def bootstrap_job() -> Manifest:
    env: list[Manifest] = [
        {
            "name": "ADMIN_DATABASE_URL",
            "valueFrom": {"secretKeyRef": {"name": "gxst-db-admin", "key": "url"}},
        }
    ]
    for name in COMPONENTS:
        env += db_env(name)
    return job(
        "gateway", "gxst-db-bootstrap", "bootstrap", ["python", "/app/deploy/bootstrap.py"], env
    )


def upstreams() -> Manifest:
    data = {f"GATEWAY_UPSTREAM_{s.upper()}": f"http://{s}:{PORT}" for s in SERVICES}
    data |= {f"REPORTING_{s.upper()}_URL": f"http://{s}:{PORT}" for s in WORKSTREAMS}
    # Projects draws review experts from talent.
    data["PROJECTS_TALENT_URL"] = f"http://talent:{PORT}"
    # The URL banks call (their signatures cover it); each overlay sets its own.
    data["GATEWAY_PUBLIC_BASE_URL"] = ""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "gxst-upstreams", "labels": FOUNDATION},
        "data": data,
    }


def telemetry() -> Manifest:
    """OpenTelemetry settings every component reads (shared_kit.telemetry).

    No endpoint here, so tracing is off; an overlay sets OTEL_EXPORTER_OTLP_ENDPOINT
    (its collector) and may change the sampling.
    """
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "gxst-telemetry", "labels": FOUNDATION},
        "data": {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": "0.1",
            "OTEL_RESOURCE_ATTRIBUTES": "service.namespace=gxst",
        },
    }


def service_monitor() -> Manifest:
    """For the Prometheus Operator: every component's Service, job gxst-<component>.

    Outside base/ (the ServiceMonitor kind exists only where the Operator's CRDs are
    installed): ``kubectl apply -f deploy/k8s/monitoring/`` in the namespace.
    """
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "gxst", "labels": FOUNDATION},
        "spec": {
            "selector": {
                "matchLabels": {"app.kubernetes.io/part-of": PART_OF},
                "matchExpressions": [
                    {
                        "key": "app.kubernetes.io/name",
                        "operator": "In",
                        "values": list(COMPONENTS),
                    }
                ],
            },
            "endpoints": [
                {
                    "port": "http",
                    "path": "/metrics",
                    "interval": "15s",
                    # The job names deploy/prometheus/alerts.yml and the dashboard use.
                    "relabelings": [
                        {
                            "sourceLabels": ["__meta_kubernetes_service_name"],
                            "targetLabel": "job",
                            "replacement": "gxst-$1",
                        }
                    ],
                }
            ],
        },
    }


def service_account() -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "gxst", "labels": FOUNDATION},
        "automountServiceAccountToken": False,
    }


def _pods(*names: str) -> list[Manifest]:
    return [{"podSelector": {"matchLabels": selector(n)}} for n in names]


def network_policies() -> list[Manifest]:
    part_of = {"app.kubernetes.io/part-of": PART_OF}
    labels = FOUNDATION
    http = [{"protocol": "TCP", "port": PORT}]
    # Prometheus scrapes /metrics from a namespace labelled for it.
    scrape = {
        "namespaceSelector": {"matchLabels": {"gxst.gov.cn/metrics-scraper": "true"}},
    }

    def policy(name: str, target: str, peers: list[Manifest]) -> Manifest:
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": name, "labels": labels},
            "spec": {
                "podSelector": {"matchLabels": selector(target)},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": peers, "ports": http}],
            },
        }

    out: list[Manifest] = [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "gxst-default-deny-ingress", "labels": labels},
            "spec": {"podSelector": {"matchLabels": part_of}, "policyTypes": ["Ingress"]},
        },
        # The public entry: reachable from anywhere the cluster routes (ingress controller).
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "gateway-ingress", "labels": labels},
            "spec": {
                "podSelector": {"matchLabels": selector("gateway")},
                "policyTypes": ["Ingress"],
                "ingress": [{"ports": http}],
            },
        },
        policy("reporting-ingress", "reporting", [*_pods("gateway"), scrape]),
    ]
    for name in WORKSTREAMS:
        out.append(policy(f"{name}-ingress", name, [*_pods("gateway", "reporting"), scrape]))
    return out


def kustomization() -> Manifest:
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [
            "serviceaccount.yaml",
            "configmap.yaml",
            "networkpolicy.yaml",
            "bootstrap-job.yaml",
            *[f"{name}.yaml" for name in COMPONENTS],
        ],
    }


def render() -> dict[str, str]:
    """File name → YAML text of every file in base/."""

    def dump(*docs: Manifest) -> str:
        body = "---\n".join(yaml.safe_dump(d, sort_keys=False, width=100) for d in docs)
        return "# Generated by deploy/k8s/generate.py: edit that script, not this file.\n" + body

    files = {
        "kustomization.yaml": dump(kustomization()),
        "serviceaccount.yaml": dump(service_account()),
        "configmap.yaml": dump(upstreams(), telemetry()),
        "networkpolicy.yaml": dump(*network_policies()),
        "bootstrap-job.yaml": dump(bootstrap_job()),
    }
    for name in COMPONENTS:
        files[f"{name}.yaml"] = dump(
            deployment(name), service(name), hpa(name), pdb(name), migration_job(name)
        )
    return files


def render_monitoring() -> dict[str, str]:
    """File name → YAML text of monitoring/ (the Prometheus Operator's objects)."""
    head = "# Generated by deploy/k8s/generate.py: edit that script, not this file.\n"
    return {"servicemonitor.yaml": head + yaml.safe_dump(service_monitor(), sort_keys=False)}


def main() -> int:
    BASE.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (BASE / name).write_text(text)
    MONITORING.mkdir(parents=True, exist_ok=True)
    for name, text in render_monitoring().items():
        (MONITORING / name).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
