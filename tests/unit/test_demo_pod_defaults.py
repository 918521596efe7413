"""The demo API server defaults a pod created through it as Kubernetes does (SetDefaults_PodSpec,
_Container, _Volume in pkg/apis/core/v1/defaults.go, before validation and Pod Security admission):
fields unset, null or "" get their defaults, a volume without a source gets `emptyDir: {}`; values
given are kept. The seeded scenario's pods are stored as they were made."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from typing import Any

from tui.demo.api.kinds import default_pod_template
from tui.demo.api.pod_admission import admit_new_pod
from tui.demo.api.store import Store
from tui.demo.scenario import seed


def seeded() -> Store:
    store = Store()
    seed(store, rng=random.Random(7), now=datetime(2026, 12, 1, tzinfo=UTC))
    return store


def bare_pod(name: str) -> dict[str, Any]:
    return {"metadata": {"name": name}, "spec": {
        "restartPolicy": "", "dnsPolicy": "", "schedulerName": "", "terminationGracePeriodSeconds": None,
        "securityContext": None, "volumes": [{"name": "v"}, {"name": "w", "emptyDir": None}],
        "containers": [
            {"name": "a", "image": "busybox", "imagePullPolicy": "", "terminationMessagePath": "",
             "terminationMessagePolicy": "", "command": ["sleep", "3600"], "ports": [{"containerPort": 80,
                                                                                    "protocol": ""}]},
            {"name": "b", "image": "nginx:1.27"},
            {"name": "c", "image": "nginx:latest"}]}}


def test_a_created_pod_gets_the_upstream_defaults_where_unset_or_empty() -> None:
    pod = admit_new_pod(seeded(), "default", bare_pod("bare"))
    spec = pod["spec"]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["schedulerName"]) == (
        "Always", "ClusterFirst", "default-scheduler")
    assert spec["terminationGracePeriodSeconds"] == 30 and spec["securityContext"] == {}
    assert spec["enableServiceLinks"] is True
    assert spec["volumes"][:2] == [{"name": "v", "emptyDir": {}}, {"name": "w", "emptyDir": {}}]
    first, second, third = spec["containers"]
    assert (first["imagePullPolicy"], second["imagePullPolicy"], third["imagePullPolicy"]) == (
        "Always", "IfNotPresent", "Always")
    for container in spec["containers"]:
        assert container["terminationMessagePath"] == "/dev/termination-log"
        assert container["terminationMessagePolicy"] == "File"
    assert first["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_given_values_are_kept() -> None:
    body = bare_pod("kept")
    body["spec"].update(restartPolicy="Never", dnsPolicy="Default", terminationGracePeriodSeconds=0,
                        enableServiceLinks=False, volumes=[{"name": "v", "configMap": {"name": "x"}}])
    body["spec"]["containers"][0].update(imagePullPolicy="Never", terminationMessagePolicy="FallbackToLogsOnError")
    spec = admit_new_pod(seeded(), "default", body)["spec"]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["terminationGracePeriodSeconds"]) == ("Never", "Default", 0)
    assert spec["enableServiceLinks"] is False and spec["volumes"][0] == {"name": "v", "configMap": {"name": "x"}}
    assert spec["containers"][0]["imagePullPolicy"] == "Never"
    assert spec["containers"][0]["terminationMessagePolicy"] == "FallbackToLogsOnError"


def test_pod_security_sees_the_defaulted_pod() -> None:
    """A restricted namespace admits a sourceless volume as the emptyDir it is defaulted to."""
    body = {"metadata": {"name": "tight"}, "spec": {
        "restartPolicy": "", "volumes": [{"name": "scratch"}],
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "a", "image": "busybox", "securityContext": {
            "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}}]}}
    spec = admit_new_pod(seeded(), "secure", body)["spec"]
    assert spec["volumes"][0] == {"name": "scratch", "emptyDir": {}} and spec["restartPolicy"] == "Always"


def test_a_template_gets_the_same_spec_defaults() -> None:
    template = {"spec": copy.deepcopy(bare_pod("t")["spec"])}
    default_pod_template(template)
    assert template["spec"]["restartPolicy"] == "Always" and template["spec"]["securityContext"] == {}
    assert template["spec"]["volumes"][0] == {"name": "v", "emptyDir": {}}
    assert template["spec"]["containers"][0]["imagePullPolicy"] == "Always"
