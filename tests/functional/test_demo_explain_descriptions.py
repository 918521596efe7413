"""`kubectl explain` (the real kubectl v1.32, skipped without it) prints Kubernetes' own
description for every field of the pod spec and of an ephemeral container (those the official
Python client documents, and the few it does not from the OpenAPI generator's own table): the demo's OpenAPI documents carry the generated descriptions
(tui/demo/api/k8s_descriptions.json, tools/gen_k8s_descriptions.py), not `<no description>`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from kubernetes.client.models import V1EphemeralContainer, V1PodSpec

from tui.demo.cluster import DemoCluster

pytestmark = pytest.mark.kubectl
_FIELD = re.compile(r"^ {2,3}(\w+)\t<")


def explain(kubectl: str, cluster: DemoCluster, *args: str) -> str:
    assert cluster.kubeconfig_path is not None
    cache = Path(cluster.kubeconfig_path).parent / "kubectl-cache"
    result = subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir", str(cache),
                             "explain", *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return result.stdout


def undescribed(text: str) -> tuple[set[str], set[str]]:
    """The fields listed under FIELDS, and those without a description (`<no description>` in the
    v3 template, an empty line in the v2 one)."""
    fields: set[str] = set()
    missing: set[str] = set()
    lines = text.split("FIELDS:", 1)[1].splitlines()
    for index, line in enumerate(lines):
        match = _FIELD.match(line)
        if match:
            fields.add(match.group(1))
            if index + 1 < len(lines) and lines[index + 1].strip() in ("<no description>", ""):
                missing.add(match.group(1))
    return fields, missing


def documented(model: Any) -> set[str]:
    """The JSON names of the fields the client's model describes."""
    return {info.serialization_alias or model.attribute_map.get(name, name)
            for name, info in model.model_fields.items() if info.description}


@pytest.mark.parametrize(("path", "model"), [("pod.spec", V1PodSpec),
                                             ("pod.spec.ephemeralContainers", V1EphemeralContainer)])
def test_explain_describes_every_field_the_client_documents(shared_cluster: DemoCluster, kubectl: str,
                                                            path: str, model: Any) -> None:
    for flavour in ((), ("--output=plaintext-openapiv2",)):
        fields, missing = undescribed(explain(kubectl, shared_cluster, path, *flavour))
        assert len(fields) > 15 and documented(model) & fields
        assert missing & documented(model) == set(), flavour
        assert missing == set(), flavour  # the few the client leaves undescribed: openapi.FIELD_DOCS
    text = explain(kubectl, shared_cluster, "pod.spec.tolerations")
    assert "If specified, the pod's tolerations." in text
    assert "PodSpec is a description of a pod." in explain(kubectl, shared_cluster, "pod.spec")
