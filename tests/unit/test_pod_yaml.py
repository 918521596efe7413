"""tui/pods/pod_yaml.py: the YAML view's text, its marked lines, search and summary (pure)."""

from __future__ import annotations

from tui.pods.pod_yaml import ephemeral_lines, pod_qos, pod_summary, pod_yaml, search_lines

POD = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web", "namespace": "default",
                 "annotations": {"evil": "\x1b]52;c;ZXZpbA==\x07 [b]x[/b]", "script": "a\nb\n"}},
    "spec": {"containers": [{"name": "app", "image": "nginx"}],
             "ephemeralContainers": [{"name": "debugger", "image": "busybox", "targetContainerName": "app"}],
             "nodeName": "node-1"},
    "status": {"phase": "Running", "podIP": "10.0.0.5",
               "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
               "ephemeralContainerStatuses": [{"name": "debugger", "state": {"waiting": {"reason": "ErrImagePull"}}}]},
}


def test_kubectls_layout_and_escapes_kept_as_yaml_escapes() -> None:
    text = pod_yaml(POD)
    lines = text.split("\n")
    assert lines[:3] == ["apiVersion: v1", "kind: Pod", "metadata:"]
    assert "\x1b" not in text and "\x07" not in text
    assert '    evil: "\\e]52;c;ZXZpbA==\\a [b]x[/b]"' in lines
    assert "    script: |" in lines  # a multi-line string as a block


def test_the_ephemeral_blocks_are_marked_and_nothing_else() -> None:
    text = pod_yaml(POD)
    lines = text.split("\n")
    marked = [lines[i] for i in sorted(ephemeral_lines(text))]
    assert marked == ["  ephemeralContainers:", "  - image: busybox", "    name: debugger",
                      "    targetContainerName: app", "  ephemeralContainerStatuses:", "  - name: debugger",
                      "    state:", "      waiting:", "        reason: ErrImagePull"]


def test_search_is_smart_case() -> None:
    lines = ["name: Debugger", "image: debugger", "other"]
    assert search_lines(lines, "debugger") == [0, 1]
    assert search_lines(lines, "Debugger") == [0]
    assert search_lines(lines, "") == []


def test_qos_and_summary() -> None:
    assert pod_qos(POD) == "BestEffort"
    guaranteed = {"spec": {"containers": [{"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}}
    assert pod_qos(guaranteed) == "Guaranteed"
    burstable = {"spec": {"containers": [{"resources": {"requests": {"cpu": "1"}}}]}}
    assert pod_qos(burstable) == "Burstable"
    summary = dict(pod_summary(POD))
    assert summary["node"] == "node-1" and summary["ip"] == "10.0.0.5"
    assert summary["conditions"] == "Ready=False (ContainersNotReady)"
    assert summary["ephemeral"] == "debugger (waiting ErrImagePull, target app)"
    assert summary["owner"] == "none (bare pod)"
