"""`P`: which debug containers does the cluster admit for the selected pod? ("trust but verify")

Dry-runs every variant of `tui.debug.policy_audit` (one ephemeral container per profile,
privileged, the copy, host namespaces) in a thread worker through
`tui.kube.debug_runner.run_policy_audit` and shows a table: variant, admitted yes/no (the API
server), starts yes/no (the kubelet: admitted is not started, e.g. a root image where runAsNonRoot
is set ends in CreateContainerConfigError), what it asks for and the server's rejection message
(wrapped); the line above counts both. Nothing is created: every request carries
`dryRun=All`. `r` runs it again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

from tui.debug.policy_audit import AuditRow, audit_variants, start_summary
from tui.display_text import safe_text, visible_line
from tui.kube.debug_runner import fetch_pod, run_policy_audit
from tui.kube.errors import ClusterError, describe_exception
from tui.screens.background import BackgroundFailed, BackgroundResult, run_in_background

VERDICT_STYLES = {"admitted": ("yes", "bold green"), "refused": ("no", "bold red"), "error": ("error", "bold yellow")}


def _starts(row: AuditRow) -> Text:
    """Would the kubelet start it? Only asked of what the API server admitted."""
    if row.verdict != "admitted":
        return Text("-", style="dim")
    return Text("yes", style="bold green") if row.would_start else Text("no", style="bold red")


def render_rows(rows: list[AuditRow]) -> Table:
    table = Table(expand=True, show_lines=True, header_style="bold", border_style="dim")
    table.add_column("variant", no_wrap=True, style="bold")
    table.add_column("admitted", no_wrap=True)
    table.add_column("starts", no_wrap=True)
    table.add_column("asks for", ratio=2)
    table.add_column("server's answer", ratio=4, overflow="fold")
    for row in rows:
        label, style = VERDICT_STYLES[row.verdict]
        if row.verdict == "admitted":
            answer = Text("admitted (dry run: nothing created)", style="green")
            if row.start_problem:
                answer.append_text(safe_text(f"; the kubelet would not start it: {row.start_problem}", style="red"))
        else:
            answer = safe_text(f"{row.status or '-'}: {row.message}", style="red" if row.verdict == "refused" else "yellow")
        table.add_row(safe_text(row.variant), Text(label, style=style), _starts(row), safe_text(row.summary, style="dim"),
                      answer)
    return table


@dataclass
class AuditFinished(BackgroundResult):
    rows: list[AuditRow]


class PolicyAuditScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    PolicyAuditScreen { align: center middle; }
    PolicyAuditScreen #policy-audit { width: 140; max-width: 100%; height: 100%; max-height: 100%;
        background: $panel; border: round $accent; border-title-style: bold; padding: 0 1; }
    PolicyAuditScreen #audit-progress { height: auto; }
    PolicyAuditScreen #audit-status { height: auto; }
    """
    HELP_TITLE = "policy audit"  # the help's title: "Keys: policy audit"
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("r", "rerun", "Run again"),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
    ]

    def __init__(self, *, connection: Any, pod: dict[str, Any], image: str = "busybox") -> None:
        super().__init__()
        self.connection = connection
        self.pod = pod
        self.image = image
        metadata = pod.get("metadata") or {}
        self.namespace = str(metadata.get("namespace") or "default")
        self.pod_name = str(metadata.get("name") or "")
        self.rows: list[AuditRow] = []
        self.running = False
        self.error = ""

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(id="policy-audit")
        scroll.border_title = Text(visible_line(f"Policy audit {self.namespace}/{self.pod_name}"))
        scroll.border_subtitle = "r run again · Esc close"
        with scroll:
            yield Static("", id="audit-status")
            yield ProgressBar(total=None, show_eta=False, id="audit-progress")
            yield Static("", id="audit-table")

    def on_mount(self) -> None:
        self.action_rerun()

    def action_rerun(self) -> None:
        if self.running:
            return
        self.running = True
        count = len(audit_variants(self.pod, image=self.image))
        self.query_one("#audit-status", Static).update(Text(
            f"dry-running {count} variants of a debug container ({self.image}) against the API server; "
            "nothing is created…", style="bold"))
        self.query_one("#audit-progress", ProgressBar).display = True
        self._run()

    def _run(self) -> None:
        connection, namespace, name, image = self.connection, self.namespace, self.pod_name, self.image

        def audit() -> list[AuditRow]:
            pod = fetch_pod(connection, namespace, name)
            try:
                version = connection.check()
            except ClusterError:
                version = None
            return run_policy_audit(connection, pod, image=image, version=version)

        run_in_background(self, audit, AuditFinished, group="policy-audit")

    @on(AuditFinished)
    def _on_audit(self, message: AuditFinished) -> None:
        self._finished(message.rows, "")

    @on(BackgroundFailed)
    def _on_audit_failed(self, message: BackgroundFailed) -> None:
        message.stop()
        self._finished([], str(describe_exception(message.error)))

    def _finished(self, rows: list[AuditRow], error: str) -> None:
        self.running = False
        self.rows = rows
        self.error = error
        self.query_one("#audit-progress", ProgressBar).display = False
        status = self.query_one("#audit-status", Static)
        if error:
            status.update(safe_text(f"The audit could not run: {error}", style="bold red"))
            return
        status.update(Text.assemble(
            safe_text(start_summary(rows), style="bold"),
            (" (server-side dry runs: nothing was created; starting is the kubelet's part, predicted from the "
             "pod and the image)", "dim"),
        ))
        self.query_one("#audit-table", Static).update(render_rows(rows))

    @property
    def text(self) -> str:
        """The table as plain text (tests, screen readers)."""
        buffer = io.StringIO()
        Console(file=buffer, width=max(self.size.width, 120), color_system=None).print(render_rows(self.rows))
        return buffer.getvalue()

    def action_scroll_down(self) -> None:
        self.query_one("#policy-audit", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#policy-audit", VerticalScroll).scroll_up()

    def action_page_down(self) -> None:
        self.query_one("#policy-audit", VerticalScroll).scroll_page_down()

    def action_page_up(self) -> None:
        self.query_one("#policy-audit", VerticalScroll).scroll_page_up()

    def action_close(self) -> None:
        self.dismiss(None)
