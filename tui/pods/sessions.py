"""Which containers of a pod the browser's session keys offer: `a` (attach) and `s` (shell).

Pure functions on a pod's plain JSON; the picker and the panes are `tui.screens.session_panes`.
"""

from __future__ import annotations

from typing import Any

from tui.pods.facts import ContainerEntry, container_entries

__all__ = ["DEFAULT_CONTAINER_ANNOTATION", "attach_candidates", "shell_candidates"]

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"


def attach_candidates(pod: dict[str, Any]) -> tuple[list[ContainerEntry], ContainerEntry | None]:
    """What `a` can attach to: ephemeral containers (newest first), then interactive regular ones
    (stdin + tty, e.g. the debugger of a copy); the default is the first of them that runs."""
    entries = container_entries(pod)
    ephemeral = [e for e in entries if e.kind == "ephemeral"]
    ephemeral.reverse()  # spec order is creation order
    interactive_names = {
        c.get("name") for c in (pod.get("spec") or {}).get("containers") or [] if c.get("stdin") and c.get("tty")
    }
    interactive = [e for e in entries if e.kind == "container" and e.name in interactive_names]
    candidates = ephemeral + interactive
    running = [e for e in candidates if e.state == "Running"]
    return candidates, (running[0] if running else (candidates[0] if candidates else None))


def shell_candidates(pod: dict[str, Any]) -> tuple[list[ContainerEntry], ContainerEntry | None]:
    """The pod's regular containers, and the default: the annotated default container, else the first."""
    regular = [e for e in container_entries(pod) if e.kind == "container"]
    annotated = ((pod.get("metadata") or {}).get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION)
    default = next((e for e in regular if e.name == annotated), regular[0] if regular else None)
    return regular, default
