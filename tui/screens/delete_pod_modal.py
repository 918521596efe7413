"""Ctrl+D in the pod browser: delete the selected pod, after a dry run and a confirmation.

The confirmation names the pod (namespace/name), what will replace it and its grace period
(`tui.pods.deletion.deletion_preview`). It opens at once and asks the API server for a dry run
(`tui.kube.pod_delete.dry_run_delete`, in a thread): `y` deletes only once the server accepted
it; a refusal (403 RBAC, 404 gone, admission...) is said in the box and nothing can be deleted.
The deletion itself is recorded in the audit log; the box closes and a notice says what happened
(or why the server refused). The table shows the pod as Terminating while it goes (the watch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.audit_log import COPY_DELETED, POD_DELETED
from tui.display_text import safe_text, visible
from tui.kube.errors import ClusterError, describe_exception
from tui.kube.pod_delete import DeleteAnswer, delete_pod, dry_run_delete
from tui.pods.deletion import DeletionPreview, deletion_preview
from tui.screens.background import BackgroundFailed, BackgroundResult, run_in_background

__all__ = ["DeletePodModal"]


@dataclass
class DryRunAnswered(BackgroundResult):
    answer: DeleteAnswer


@dataclass
class DeleteAnswered(BackgroundResult):
    answer: DeleteAnswer


def _refusal(error: ClusterError) -> Text:
    text = Text(visible(error.message), style="red")
    if error.hint:
        text.append("\n" + visible(error.hint), style="dim")
    return text


class DeletePodModal(ModalScreen[DeleteAnswer | None]):
    """Dismisses with the deletion's answer (None: cancelled, refused by the dry run, or no answer)."""

    DEFAULT_CSS = """
    DeletePodModal { align: center middle; }
    DeletePodModal #delete-pod { width: 84; max-width: 95%; height: auto; max-height: 90%;
        background: $panel; border: thick $error; padding: 0 1; }
    DeletePodModal #delete-title { text-style: bold; }
    DeletePodModal #delete-check { margin-top: 1; }
    DeletePodModal #delete-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    DeletePodModal Button { margin-left: 2; }
    """
    HELP_TITLE = "delete pod"  # the help's title: "Keys: delete pod"
    BINDINGS = [
        Binding("y", "confirm", "Yes, delete"),
        Binding("n,escape", "cancel", "No"),
    ]

    def __init__(self, pod: dict[str, Any], *, connection: Any, audit_log: Any = None) -> None:
        super().__init__()
        self.pod = pod
        self.preview: DeletionPreview = deletion_preview(pod)
        self.uid = str((pod.get("metadata") or {}).get("uid") or "")
        self.connection = connection
        self.audit_log = audit_log
        self.state = "checking"  # checking, ready, refused, deleting

    def compose(self) -> ComposeResult:
        preview = self.preview
        body = Text()
        for line in (preview.replacement, preview.grace, *preview.notes):
            body.append("• ", style="bold yellow")
            body.append(visible(line) + "\n")
        body.rstrip()
        with Vertical(id="delete-pod"):
            yield Static(safe_text(f"Delete pod {preview.title}? This cannot be undone."), id="delete-title")
            yield Static(body, id="delete-reasons")
            yield Static(Text("Dry run: asking the API server…", style="dim"), id="delete-check")
            yield Static(Text("y: delete (once the dry run passed)   n / Esc: cancel", style="dim"), id="delete-keys")
            with Horizontal(id="delete-buttons"):
                yield Button("Cancel", id="delete-no")
                yield Button("Delete (y)", id="delete-yes", variant="error", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#delete-no", Button).focus()
        connection, preview, uid = self.connection, self.preview, self.uid
        run_in_background(self, lambda: dry_run_delete(connection, preview.namespace, preview.name, uid),
                          DryRunAnswered, group="delete-dry-run")

    @property
    def check_text(self) -> str:
        """What the box says about the dry run (or the deletion under way)."""
        return str(self.query_one("#delete-check", Static).render())

    def _check(self, text: Text) -> None:
        self.query_one("#delete-check", Static).update(text)

    def _refused(self, text: Text) -> None:
        self.state = "refused"
        self._check(text)
        self.query_one("#delete-keys", Static).update(Text("nothing was deleted   n / Esc: close", style="dim"))

    @on(DryRunAnswered)
    def _dry_run_answered(self, message: DryRunAnswered) -> None:
        answer = message.answer
        if answer.ok:
            self.state = "ready"
            self._check(Text("Dry run: the API server accepts the deletion.", style="green"))
            self.query_one("#delete-yes", Button).disabled = False
            return
        if answer.gone:
            self._refused(Text(f"The pod {visible(self.preview.title)} is gone already: nothing to delete.",
                               style="yellow"))
            return
        heading = Text("The API server refuses to delete it (dry run):\n", style="bold red")
        self._refused(heading + _refusal(answer.error or ClusterError(f"HTTP {answer.status}")))

    @on(BackgroundFailed)
    def _no_answer(self, message: BackgroundFailed) -> None:
        message.stop()
        error = describe_exception(message.error)
        if message.group == "delete-dry-run":
            self._refused(Text("No answer to the dry run:\n", style="bold red") + _refusal(error))
            return
        # the deletion got no answer: whether it happened is unknown (the watch will tell)
        self.app.notify(f"Deleting pod {self.preview.title}: no answer ({error.message}); it may or may not be "
                        "deleted: the table shows it", severity="error", timeout=15)
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "delete-yes":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_confirm(self) -> None:
        if self.state == "checking":
            self.app.notify("Wait for the dry run's answer before deleting", severity="warning")
            return
        if self.state != "ready":
            return
        self.state = "deleting"
        self.query_one("#delete-yes", Button).disabled = True
        self._check(Text(f"Deleting {visible(self.preview.title)}…", style="bold"))
        connection, preview, uid, audit_log = self.connection, self.preview, self.uid, self.audit_log
        action = COPY_DELETED if preview.debug_copy else POD_DELETED
        run_in_background(self, lambda: delete_pod(connection, preview.namespace, preview.name, uid,
                                                   audit_log=audit_log, action=action),
                          DeleteAnswered, group="delete-pod")

    @on(DeleteAnswered)
    def _deleted(self, message: DeleteAnswered) -> None:
        answer = message.answer
        title = self.preview.title
        if answer.ok:
            self.app.notify(f"Deleting pod {title}: {self.preview.replacement}")
        elif answer.gone:
            self.app.notify(f"Pod {title} was already gone: nothing deleted", severity="warning")
        else:
            error = answer.error
            text = f"Pod {title} not deleted: {error.message if error else answer.status}"
            if error is not None and error.hint:
                text += f"\n{error.hint}"
            self.app.notify(text, severity="error", timeout=15)
        if answer.audit_problem:
            self.app.notify(answer.audit_problem, severity="error", timeout=15)
        self.dismiss(answer)

    def action_cancel(self) -> None:
        if self.state == "deleting":
            return  # the answer closes the box (a deletion sent cannot be called back)
        self.dismiss(None)
