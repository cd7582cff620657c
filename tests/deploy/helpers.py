"""Load the deploy/ files for the tests: a small kustomize renderer, YAML, scripts.

The renderer covers what our kustomizations use (resources, namespace, images,
replicas, strategic-merge patches matched by kind/name, JSON 6902 patches with a
target) so the tests run without kubectl; where kubectl is installed a test checks
this renderer agrees with ``kubectl kustomize``.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
COMPONENTS = ("projects", "enterprise", "talent", "transfer", "reporting", "gateway")
WORKSTREAMS = ("projects", "enterprise", "talent", "transfer")
# Kinds that live outside namespaces among those we use.
CLUSTER_SCOPED = {"Namespace"}

Manifest = dict[str, Any]


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while executing it
    spec.loader.exec_module(module)
    return module


def load_docs(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def key(doc: Manifest) -> tuple[str, str]:
    return doc["kind"], doc["metadata"]["name"]


def render(directory: Path) -> list[Manifest]:
    """The manifests ``kustomize build directory`` would emit (order aside)."""
    kust = load_docs(directory / "kustomization.yaml")[0]
    docs: list[Manifest] = []
    for res in kust.get("resources", []):
        path = (directory / res).resolve()
        docs += render(path) if path.is_dir() else load_docs(path)
    for patch in kust.get("patches", []):
        _apply_patch(docs, directory, patch)
    for rep in kust.get("replicas", []):
        matched = [
            d
            for d in docs
            if d["metadata"]["name"] == rep["name"] and "replicas" in d.get("spec", {})
        ]
        assert matched, f"replicas: nothing named {rep['name']}"
        for doc in matched:
            doc["spec"]["replicas"] = rep["count"]
    for img in kust.get("images", []):
        for container in (c for d in docs for c in containers(d)):
            name, _, tag = container["image"].partition(":")
            if name == img["name"]:
                new = img.get("newName", name) + ":" + str(img.get("newTag", tag))
                container["image"] = new
    if "namespace" in kust:
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = kust["namespace"]
    return docs


def _apply_patch(docs: list[Manifest], directory: Path, patch: Manifest) -> None:
    body = (
        load_docs(directory / patch["path"])
        if "path" in patch
        else [yaml.safe_load(patch["patch"])]
    )
    target = patch.get("target")
    if target is not None:
        ops = body[0]
        assert isinstance(ops, list), "a patch with a target is a JSON 6902 list here"
        hits = [
            d
            for d in docs
            if all(
                d.get("kind") == v if k == "kind" else d["metadata"].get(k) == v
                for k, v in target.items()
            )
        ]
        assert hits, f"patch target {target} matches nothing"
        for doc in hits:
            for op in ops:
                json6902(doc, op)
        return
    for smp in body:
        hits = [d for d in docs if key(d) == key(smp)]
        assert len(hits) == 1, f"patch {key(smp)} matches {len(hits)} resources"
        merged = strategic_merge(hits[0], smp)
        docs[docs.index(hits[0])] = merged


def strategic_merge(base: Any, patch: Any) -> Any:
    """Maps merge; lists of named maps merge by name; other lists are replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = copy.deepcopy(base)
        for k, v in patch.items():
            out[k] = strategic_merge(out[k], v) if k in out else copy.deepcopy(v)
        return out
    if isinstance(base, list) and isinstance(patch, list) and _named(base) and _named(patch):
        out = copy.deepcopy(base)
        for item in patch:
            idx = next((i for i, b in enumerate(out) if b["name"] == item["name"]), None)
            if idx is None:
                out.append(copy.deepcopy(item))
            else:
                out[idx] = strategic_merge(out[idx], item)
        return out
    return copy.deepcopy(patch)


def _named(items: list[Any]) -> bool:
    return all(isinstance(i, dict) and "name" in i for i in items)


def json6902(doc: Manifest, op: Manifest) -> None:
    *parents, last = [p for p in op["path"].split("/") if p]
    node: Any = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    slot: Any = int(last) if isinstance(node, list) else last
    if op["op"] in ("replace", "add"):
        if op["op"] == "replace" and (
            slot not in node if isinstance(node, dict) else slot >= len(node)
        ):
            raise AssertionError(f"replace: {op['path']} does not exist")
        node[slot] = copy.deepcopy(op["value"])
    elif op["op"] == "remove":
        del node[slot]
    else:
        raise AssertionError(f"unsupported op {op['op']}")


def pod_spec(doc: Manifest) -> Manifest | None:
    if doc["kind"] in ("Deployment", "Job"):
        return doc["spec"]["template"]["spec"]
    return None


def containers(doc: Manifest) -> list[Manifest]:
    spec = pod_spec(doc)
    return [*spec.get("initContainers", []), *spec["containers"]] if spec else []


def by_kind(docs: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}
