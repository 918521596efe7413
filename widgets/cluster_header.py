"""The header line: context, API server, namespace, connection state, and the demo marker."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from tui.display_text import sanitize_text

STATE_STYLE = {
    "connecting": "bold yellow",
    "live": "bold green",
    "stale": "bold yellow",
    "reconnecting": "bold yellow",
    "failed": "bold red",
}
STATE_ICON = {"connecting": "◌", "live": "●", "stale": "⚠", "reconnecting": "↻", "failed": "✖"}


def short_reason(reason: str, *, server: str, context: str) -> str:
    """The reason without what the header's first line already says (the server address and the
    context), so the cause itself ("connection refused") fits: "cannot reach the API server at
    https://h:6443 (context 'prod'): connection refused" -> "cannot reach the API server: connection refused"."""
    if server:
        reason = reason.replace(f" at {server}", "")
    if context:
        reason = reason.replace(f" (context '{context}')", "").replace(f" (context {context})", "")
    return reason


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
    activity: reactive[str] = reactive("")  # a long wait in progress, e.g. "waiting for debugger-x: ImagePullBackOff"
    activity_since: reactive[float | None] = reactive(None)  # monotonic start of `activity` (elapsed shown)
    connecting_since: float | None = None  # monotonic start of the current "connecting" state

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic, id: str | None = None) -> None:
        super().__init__(id=id)
        self.monotonic = monotonic
        self._ticker: Timer | None = None

    def _line1(self, *, short: bool) -> Text:
        """`short`: narrow terminals: "DEMO" and the server without its scheme, so the address
        still fits in 80 columns."""
        line1 = Text(no_wrap=True, overflow="ellipsis")
        line1.append(" Ephemera ", style="bold reverse")
        if self.demo:
            line1.append(" ")
            line1.append(" DEMO " if short else " DEMO CLUSTER ", style="bold black on bright_magenta")
        line1.append("  ctx ", style="dim")
        line1.append(self.context or "-", style="bold cyan")
        line1.append("  ns ", style="dim")
        line1.append(self.namespace or "-", style="bold")
        line1.append("  ", style="dim")
        server = self.server or ""
        if short:
            server = server.removeprefix("https://")
        line1.append(server, style="dim")
        return sanitize_text(line1, one_line=True)  # the kubeconfig's names and server are file text

    def render(self) -> Text:
        line1 = self._line1(short=False)
        if 0 < self.size.width < line1.cell_len:
            line1 = self._line1(short=True)

        line2 = Text(no_wrap=True, overflow="ellipsis")
        style = STATE_STYLE.get(self.state, "")
        if self.state == "connecting" and self.pod_count:
            # the first list is paged: rows arrive page by page until the watch is live
            line2.append(f"{STATE_ICON['connecting']} listing pods… {self.pod_count} so far", style=style)
        elif self.state == "stale":
            # the watch brought nothing for a while (the reason counts the seconds): the rows may
            # be out of date while it watches again; words, not only colour (NO_COLOR)
            line2.append(f"{STATE_ICON['stale']} {self.reason or 'no news'}, re-watching", style=style)
        else:
            line2.append(f"{STATE_ICON.get(self.state, '?')} {self.state}", style=style)
            if self.state == "connecting" and self.connecting_since is not None:
                elapsed = self.monotonic() - self.connecting_since
                if elapsed >= 2:
                    line2.append(f" ({elapsed:.0f}s)", style=style)
        if self.state in ("reconnecting", "failed") and self.retry_at is not None:
            remaining = max(0.0, self.retry_at - self.monotonic())
            line2.append(f" (retry in {remaining:.0f}s)", style=style)
        if self.reason and self.state not in ("live", "stale"):
            reason = short_reason(self.reason, server=self.server, context=self.context)
            line2.append(f": {reason}", style="yellow" if self.state != "failed" else "red")
        if self.pod_count and not (self.state == "connecting"):
            line2.append(f"  {self.pod_count}", style="dim")
        if self.activity:
            line2.append("  ⧗ ", style="bold yellow")
            line2.append(self.activity, style="yellow")
            if self.activity_since is not None:
                line2.append(f" ({self.monotonic() - self.activity_since:.0f}s)", style="yellow")
        if self.filter_text:
            line2.append("  filter ", style="dim")
            line2.append(self.filter_text, style="bold yellow")
        line2 = sanitize_text(line2, one_line=True)  # reasons and activities quote the cluster
        width = self.size.width
        if width > 0:
            line1.truncate(width, overflow="ellipsis")
            line2.truncate(width, overflow="ellipsis")
        return Text.assemble(line1, "\n", line2, no_wrap=True)

    def watch_state(self, state: str) -> None:
        self.connecting_since = self.monotonic() if state == "connecting" else None
        self._update_ticker()

    def watch_activity(self, activity: str) -> None:
        self._update_ticker()

    def start_activity(self, text: str) -> None:
        """Show a long wait with its elapsed time (ticking) until `end_activity`."""
        if self.activity_since is None or not self.activity:
            self.activity_since = self.monotonic()
        self.activity = text

    def end_activity(self, text: str | None = None) -> None:
        """Stop showing the wait (only when it still shows `text`, when given)."""
        if text is None or self.activity == text or self.activity.startswith(text):
            self.activity = ""
            self.activity_since = None

    def watch_retry_at(self, retry_at: float | None) -> None:
        self._update_ticker()

    def _update_ticker(self) -> None:
        """A one-second tick only while something is waited for: the reconnect countdown, the
        elapsed time of a long connect or of an activity (no live timers otherwise)."""
        wanted = (self.state in ("reconnecting", "failed") and self.retry_at is not None) \
            or self.state == "connecting" \
            or bool(self.activity)
        if wanted and self._ticker is None and self.is_mounted:
            self._ticker = self.set_interval(1.0, self.refresh)
        elif not wanted and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def on_mount(self) -> None:
        # not at once: during on_mount `is_mounted` is still False, so the ticker would not start and
        # "connecting (Ns)" would never count up against a server that does not answer
        self.call_after_refresh(self._update_ticker)
