"""`selected_and_connected`: the selected pod and the connection, or the one notice saying which
is missing (no pod is checked first), as the browser's keys on a pod expect."""

from __future__ import annotations

from typing import Any

from tui.screens.pod_target import selected_and_connected

POD = {"metadata": {"namespace": "default", "name": "web-0"}}


class Browser:
    def __init__(self, selected: Any, connection: Any) -> None:
        self._selected = selected
        self.connection = connection
        self.notices: list[tuple[str, str]] = []

    def selected_pod(self) -> Any:
        return self._selected

    def notify(self, message: str, *, severity: str = "information") -> None:
        self.notices.append((message, severity))


def test_the_pod_and_the_connection() -> None:
    browser = Browser((("default", "web-0"), POD), "conn")
    assert selected_and_connected(browser) == (("default", "web-0"), POD, "conn")
    assert browser.notices == []


def test_no_pod_is_said_first() -> None:
    browser = Browser(None, None)
    assert selected_and_connected(browser, no_pod="No pod selected: nothing to delete") is None
    assert browser.notices == [("No pod selected: nothing to delete", "warning")]


def test_no_connection() -> None:
    browser = Browser((("default", "web-0"), POD), None)
    assert selected_and_connected(browser) is None
    assert browser.notices == [("Not connected to a cluster", "warning")]
    browser.notices.clear()
    assert selected_and_connected(browser, not_connected="Not connected to a cluster: no logs to read",
                                  not_connected_severity="error") is None
    assert browser.notices == [("Not connected to a cluster: no logs to read", "error")]
