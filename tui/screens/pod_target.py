"""The pod a browser key acts on: the selected pod and the cluster connection, or a notice saying
which is missing (`open_yaml`, `open_logs`, `open_file_copy`, `open_delete_pod`, `open_policy_audit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui.pods.store import PodKey
    from tui.screens.browser_screen import BrowserScreen

__all__ = ["selected_and_connected"]


def selected_and_connected(
    browser: BrowserScreen, *, no_pod: str = "Select a pod first", not_connected: str = "Not connected to a cluster",
    not_connected_severity: SeverityLevel = "warning",
) -> tuple[PodKey, dict[str, Any], Any] | None:
    """(key, pod JSON, connection) of the selected pod; None after a notice when no pod is selected
    (checked first) or there is no connection."""
    selected = browser.selected_pod()
    if selected is None:
        browser.notify(no_pod, severity="warning")
        return None
    connection = browser.connection
    if connection is None:
        browser.notify(not_connected, severity=not_connected_severity)
        return None
    key, pod = selected
    return key, pod, connection
