"""The pod browser's actions on the selected pod and the table: sort (`o` next column, `O`
reverse), copy the pod's name (`y` name, `Y` namespace/name) and delete it (Ctrl+D: the
confirmation in tui/screens/delete_pod_modal.py).

Functions taking the browser (`BrowserScreen` calls them from its one-line `action_*` methods).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.clipboard import copy_text
from tui.pods.deletion import deletion_preview
from tui.screens.delete_pod_modal import DeletePodModal
from tui.screens.pod_target import selected_and_connected

if TYPE_CHECKING:
    from tui.screens.browser_screen import BrowserScreen

__all__ = ["copy_pod_name", "open_delete_pod", "sort_table"]


def sort_table(browser: BrowserScreen, *, reverse: bool) -> None:
    """Sort by the shown column after the current one (ascending), or the other way round."""
    table = browser.table
    columns = table.shown_columns
    table.set_sort(table.sort.reversed(columns) if reverse else table.sort.next_column(columns))


def copy_pod_name(browser: BrowserScreen, *, with_namespace: bool) -> None:
    """The selected pod's name (or namespace/name) to the clipboard: OSC 52 (through SSH and
    tmux), and the local clipboard when not over SSH; a notice says what was copied and how."""
    key = browser.table.selected_key
    if key is None:
        browser.notify("No pod selected: nothing copied", severity="warning")
        return
    namespace, name = key
    text = f"{namespace}/{name}" if with_namespace else name
    local = copy_text(browser.app, text)
    how = "clipboard" if local else "clipboard via OSC 52 (terminals that allow it)"
    browser.notify(f"Copied {'namespace/name' if with_namespace else 'pod name'} {text} to the {how}")


def open_delete_pod(browser: BrowserScreen) -> None:
    """Ctrl+D: the confirmation (with its dry run) for the selected pod; a pod being deleted
    already is only said to be so."""
    target = selected_and_connected(browser, no_pod="No pod selected: nothing to delete")
    if target is None:
        return
    _key, pod, connection = target
    preview = deletion_preview(pod)
    if preview.terminating:
        browser.notify(f"Pod {preview.title} is terminating already: it goes once its containers have stopped",
                       severity="warning")
        return
    browser.app.push_screen(DeletePodModal(pod, connection=connection,
                                           audit_log=getattr(browser.app, "audit_log", None)))
