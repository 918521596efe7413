"""What keeps running in the cluster when the user quits Ephemera with sessions open.

Ephemeral containers can never be removed, and a detached attach session leaves its shell
running in the container. Quitting must not leave that behind silently: the app asks first
(`quit_reasons`) and the CLI prints what stays and how to get back to it (`exit_summary`).
Plain functions, no Textual.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class OpenSession:
    """A pane whose session was live (or still connecting) when the user quit."""

    namespace: str
    pod: str
    container: str
    kind: Literal["attach", "exec"]

    @property
    def title(self) -> str:
        return f"{self.namespace}/{self.pod}/{self.container}"

    def reattach_command(self, context: str | None = None) -> str:
        """`kubectl attach` back to an attach session's container."""
        words = ["kubectl", *(["--context", context] if context else [])]
        return shlex.join([*words, "attach", "-it", "-n", self.namespace, self.pod, "-c", self.container])


def _count(sessions: Sequence[OpenSession]) -> str:
    return "1 session is" if len(sessions) == 1 else f"{len(sessions)} sessions are"


def quit_reasons(sessions: Sequence[OpenSession]) -> list[str]:
    """The lines of the quit confirmation: what quitting does to each open session."""
    reasons = [f"{_count(sessions)} open: " + ", ".join(s.title for s in sessions)]
    if any(s.kind == "attach" for s in sessions):
        reasons.append(
            "Attached debug shells keep running in their containers after you quit (ephemeral "
            "containers cannot be removed); re-attach later with a on the pod, or kubectl attach."
        )
    if any(s.kind == "exec" for s in sessions):
        reasons.append("Exec'd shells end with their connection; anything running in them stops.")
    return reasons


def exit_summary(sessions: Sequence[OpenSession], context: str | None = None) -> str:
    """Printed on the terminal after the TUI has left it: what stays running and how to return."""
    attached = [s for s in sessions if s.kind == "attach"]
    if not attached:
        return ""
    lines = ["ephemera: still running in the cluster (ephemeral containers cannot be removed):"]
    for session in attached:
        lines.append(f"  {session.title}  re-attach: {session.reattach_command(context)}")
    return "\n".join(lines)
