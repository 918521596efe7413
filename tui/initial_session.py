"""Starting the TUI straight into one session (`ephemera debug POD` opens the app this way).

`EphemeraApp(..., initial_session=InitialSession(namespace, pod, container))`: as soon as the
browser is connected, the pod is selected (now, or when the watch delivers it) and
`app.open_session(namespace, pod, container, kind)` opens its pane, which waits by itself while
the container is not running yet (showing the live waiting reason) and is focused.
No Textual here: the app calls `open_initial_session` from its `Connected` handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["InitialSession", "open_initial_session"]


@dataclass(frozen=True)
class InitialSession:
    """The session the app opens once connected."""

    namespace: str
    pod: str
    container: str
    kind: Literal["attach", "exec"] = "attach"
    command: tuple[str, ...] | None = None


def open_initial_session(app: Any, session: InitialSession) -> None:
    """Select the session's pod in the browser and open its pane (the app must be connected)."""
    app.browser.select_pod((session.namespace, session.pod))
    app.open_session(session.namespace, session.pod, session.container, kind=session.kind,
                     command=list(session.command) if session.command else None)
