"""The header line: context, API server, namespace, connection state, and the demo marker."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

STATE_STYLE = {
    "connecting": "bold yellow",
    "live": "bold green",
    "reconnecting": "bold yellow",
    "failed": "bold red",
}
STATE_ICON = {"connecting": "◌", "live": "●", "reconnecting": "↻", "failed": "✖"}


class ClusterHeader(Static):
    """Two dense lines: where we are, and how the watch is doing."""

    DEFAULT_CSS = """
    ClusterHeader { height: 2; padding: 0 1; }
    """

    context: reactive[str] = reactive("")
    server: reactive[str] = reactive("")
    namespace: reactive[str] = reactive("")
    state: reactive[str] = reactive("connecting")
    reason: reactive[str] = reactive("")
    retry_at: reactive[float | None] = reactive(None)
    demo: reactive[bool] = reactive(False)
    pod_count: reactive[str] = reactive("")
    filter_text: reactive[str] = reactive("")

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic, id: str | None = None) -> None:
        super().__init__(id=id)
        self.monotonic = monotonic
        self._ticker: Timer | None = None

    def render(self) -> Text:
        line1 = Text(no_wrap=True, overflow="ellipsis")
        line1.append(" Ephemera ", style="bold reverse")
        if self.demo:
            line1.append(" ")
            line1.append(" DEMO CLUSTER ", style="bold black on bright_magenta")
        line1.append("  ctx ", style="dim")
        line1.append(self.context or "-", style="bold cyan")
        line1.append("  ns ", style="dim")
        line1.append(self.namespace or "-", style="bold")
        line1.append("  ", style="dim")
        line1.append(self.server or "", style="dim")

        line2 = Text(no_wrap=True, overflow="ellipsis")
        style = STATE_STYLE.get(self.state, "")
        line2.append(f"{STATE_ICON.get(self.state, '?')} {self.state}", style=style)
        if self.state == "reconnecting" and self.retry_at is not None:
            remaining = max(0.0, self.retry_at - self.monotonic())
            line2.append(f" (retry in {remaining:.0f}s)", style=style)
        if self.reason and self.state != "live":
            line2.append(f": {self.reason}", style="yellow" if self.state != "failed" else "red")
        if self.pod_count:
            line2.append(f"  {self.pod_count}", style="dim")
        if self.filter_text:
            line2.append("  filter ", style="dim")
            line2.append(self.filter_text, style="bold yellow")
        width = self.size.width
        if width > 0:
            line1.truncate(width, overflow="ellipsis")
            line2.truncate(width, overflow="ellipsis")
        return Text.assemble(line1, "\n", line2, no_wrap=True)

    def watch_state(self, state: str) -> None:
        self._update_ticker()

    def watch_retry_at(self, retry_at: float | None) -> None:
        self._update_ticker()

    def _update_ticker(self) -> None:
        """A one-second countdown ticks only while reconnecting (no live timers otherwise)."""
        wanted = self.state == "reconnecting" and self.retry_at is not None
        if wanted and self._ticker is None and self.is_mounted:
            self._ticker = self.set_interval(1.0, self.refresh)
        elif not wanted and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def on_mount(self) -> None:
        self._update_ticker()
