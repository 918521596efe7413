"""The pod as YAML for the read-only YAML view, and a `kubectl describe`-like summary (pure: no I/O,
no Textual; the view draws these through tui/display_text.py).

    text = pod_yaml(pod)                 # kubectl get -o yaml's layout: keys sorted, no folding
    marked = ephemeral_lines(text)       # the lines of spec.ephemeralContainers and their statuses
    rows = pod_summary(pod)              # [("owner", "ReplicaSet slim-... (Deployment slim)"), ...]
    search_lines(lines, "image")         # the lines holding a term (smart case, as the logs view)

The text is the data as the cluster sent it: a string holding escapes, bidi overrides or markup is
kept as PyYAML quotes it (control characters as "\\e"); the view still makes every line visible
(`visible_line`) and never parses it as markup.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from tui.pods.facts import owner_text
from tui.pods.json_path import dig
from tui.pods.log_text import matching_lines
from tui.pods.status import pod_status_reason

__all__ = ["EPHEMERAL_KEYS", "ephemeral_lines", "pod_qos", "pod_summary", "pod_yaml", "search_lines"]

# The keys whose blocks the view marks (spec's and status's)
EPHEMERAL_KEYS = ("ephemeralContainers", "ephemeralContainerStatuses")
_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z]+):\s*$")


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks (`|`), as kubectl shows a script or a JSON annotation."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML keeps the block style only where it is safe (no control characters, no trailing spaces)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def pod_yaml(pod: dict[str, Any]) -> str:
    """The pod as `kubectl get pod -o yaml` lays it out: block style, keys sorted, long strings not
    folded, multi-line strings as `|` blocks."""
    return yaml.dump(pod, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True,
                     width=2**31 - 1)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def ephemeral_lines(text: str) -> set[int]:
    """The indexes of the lines of every `ephemeralContainers:` / `ephemeralContainerStatuses:` block
    (its key line and everything under it: a sequence's `- ` items may sit at the key's indentation)."""
    lines = text.split("\n")
    marked: set[int] = set()
    index = 0
    while index < len(lines):
        match = _KEY_LINE.match(lines[index])
        if match is None or match.group("key") not in EPHEMERAL_KEYS:
            index += 1
            continue
        depth = len(match.group("indent"))
        marked.add(index)
        index += 1
        while index < len(lines) and lines[index].strip():
            line = lines[index]
            inner = _indent(line)
            if inner > depth or (inner == depth and line.lstrip(" ").startswith("- ")):
                marked.add(index)
                index += 1
            else:
                break
    return marked


def search_lines(lines: list[str], term: str) -> list[int]:
    """The indexes of the lines holding `term`: case-insensitive unless it has a capital (smart case,
    the logs view's `matching_lines`)."""
    return matching_lines(lines, term)


def pod_qos(pod: dict[str, Any]) -> str:
    """status.qosClass, else as the API server computes it (Guaranteed, Burstable, BestEffort)."""
    reported = dig(pod, "status", "qosClass")
    if reported:
        return str(reported)
    containers = [*(dig(pod, "spec", "initContainers") or []), *(dig(pod, "spec", "containers") or [])]
    resources = [c.get("resources") or {} for c in containers if isinstance(c, dict)]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        limits, requests = r.get("limits") or {}, r.get("requests") or {}
        for name in ("cpu", "memory"):
            if name not in limits or requests.get(name, limits[name]) != limits[name]:
                return "Burstable"
    return "Guaranteed"


def _conditions(pod: dict[str, Any]) -> str:
    parts = []
    for condition in dig(pod, "status", "conditions") or []:
        if not isinstance(condition, dict):
            continue
        text = f"{condition.get('type', '?')}={condition.get('status', '?')}"
        if condition.get("reason") and condition.get("status") != "True":
            text += f" ({condition['reason']})"
        parts.append(text)
    return ", ".join(parts) or "none reported"


def _ephemeral(pod: dict[str, Any]) -> str:
    statuses = {s.get("name"): s for s in dig(pod, "status", "ephemeralContainerStatuses") or []
                if isinstance(s, dict)}
    parts = []
    for container in dig(pod, "spec", "ephemeralContainers") or []:
        if not isinstance(container, dict):
            continue
        name = str(container.get("name") or "?")
        state = (statuses.get(name) or {}).get("state") or {}
        phase = next(iter(state), "no status yet")
        reason = (state.get(phase) or {}).get("reason") if isinstance(state.get(phase), dict) else None
        target = container.get("targetContainerName")
        parts.append(f"{name} ({phase}{' ' + str(reason) if reason else ''}{', target ' + str(target) if target else ''})")
    return ", ".join(parts) or "none"


def pod_summary(pod: dict[str, Any]) -> list[tuple[str, str]]:
    """`kubectl describe`'s head, the parts that help debugging: (label, value) rows."""
    node = dig(pod, "spec", "nodeName") or "not scheduled"
    ip = dig(pod, "status", "podIP") or "none yet"
    return [
        ("status", f"{pod_status_reason(pod)} (phase {dig(pod, 'status', 'phase') or 'unknown'})"),
        ("owner", owner_text(pod)),
        ("node", str(node)),
        ("ip", str(ip)),
        ("qos", pod_qos(pod)),
        ("conditions", _conditions(pod)),
        ("ephemeral", _ephemeral(pod)),
    ]
