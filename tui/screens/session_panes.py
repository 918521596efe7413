"""The browser's session keys: `a` attaches to an ephemeral container, `s` opens a shell.
`a` on a durable debugger (`tui.debug.durable`: its main process only keeps it alive) opens a shell
in it instead: each `a` there is one more shell (its pane, or a new one when that pane is live).

Which container: the only candidate (`tui.pods.sessions`), else a small picker (the newest running
ephemeral container, or the pod's default container, highlighted). The panes themselves are
`tui.screens.session_tabs`.

UI glue, so it stays with the screens: it reads the browser's selection (`selected_pod`, `pod`),
notifies, pushes a `PickerModal` and opens panes through `browser.sessions`; the choice of containers is pure and
lives in `tui.pods.sessions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.debug.durable import durable_container_names
from tui.keymap import key_for
from tui.pods.facts import ContainerEntry
from tui.pods.sessions import attach_candidates, shell_candidates
from tui.screens.picker_modal import PickerModal

if TYPE_CHECKING:
    from tui.screens.browser_screen import BrowserScreen

STATE_SEPARATOR = "  "


def _label(entry: ContainerEntry) -> str:
    state = entry.state if entry.state != "Unknown" else "no status yet"
    if entry.reason:
        state += f" {entry.reason}"
    if entry.exit_code is not None:
        state += f" (exit {entry.exit_code})"
    target = f" → {entry.target}" if entry.target else ""
    image = entry.image.rsplit("/", 1)[-1]
    return f"{entry.name}{STATE_SEPARATOR}{state}{STATE_SEPARATOR}{image}{target}"


def _name_of(label: str) -> str:
    return label.split(STATE_SEPARATOR, 1)[0]


def _selected(browser: BrowserScreen) -> tuple[tuple[str, str], dict[str, Any]] | None:
    selected = browser.selected_pod()
    if selected is None:
        browser.notify("Select a pod first", severity="warning")
    return selected


def attach_selected(browser: BrowserScreen) -> None:
    """`a`: attach to the selected pod's ephemeral container, or a copy's debugger (picker when there
    are several)."""
    _open_for_selected(browser, "attach")


def shell_selected(browser: BrowserScreen) -> None:
    """`s`: a shell (bash, else sh) in one of the selected pod's containers."""
    _open_for_selected(browser, "exec")


def _open_for_selected(browser: BrowserScreen, kind: str) -> None:
    selected = _selected(browser)
    if selected is None:
        return
    (namespace, name), pod = selected
    if kind == "attach":
        entries, default = attach_candidates(pod)
        running = [e for e in entries if e.state == "Running"]
        direct = len(entries) == 1 or len(running) == 1
        debug_key, shell_key = key_for(browser.app, "debug", "d"), key_for(browser.app, "shell", "s")
        missing = (f"Pod {name} has no ephemeral container to attach to: press {debug_key} to add a debug "
                   f"container ({shell_key} opens a shell in one of its containers)")
        title = f"Attach to an ephemeral container of {name}"
        note = "default: the newest running" if default is not None and default.state == "Running" else "default"
    else:
        entries, default = shell_candidates(pod)
        direct = len(entries) == 1
        missing = f"Pod {name} has no container"
        title = f"Shell into a container of {name}"
        note = "default: the container kubectl exec picks"
    if default is None:
        browser.notify(missing, severity="warning")
        return

    def open_container(container: str) -> None:
        if kind == "attach" and container in durable_container_names(pod):
            open_pane(browser, namespace, name, container, kind="exec", another=True)
            return
        open_pane(browser, namespace, name, container, kind=kind)

    if direct:
        open_container(default.name)
    else:
        _pick(browser, title, entries, default, open_container, note)


def _pick(browser: BrowserScreen, title: str, entries: list[ContainerEntry], default: ContainerEntry,
          then: Any, note: str) -> None:
    """`note`: what the highlighted row (`default`) is."""
    labels = [_label(e) for e in entries]

    def picked(value: str | None) -> None:
        if value:
            then(_name_of(value))

    browser.app.push_screen(PickerModal(title, items=labels, current=_label(default), current_note=note), picked)


def open_pane(browser: BrowserScreen, namespace: str, pod: str, container: str, *, kind: str = "attach",
              command: list[str] | None = None, another: bool = False) -> None:
    """Open (or show) the pane of a container in the browser's session area (`another`: one more
    exec pane when its pane is a live exec session, see `SessionTabs.open`)."""
    connection = browser.connection
    if connection is None:
        browser.notify("Not connected to a cluster: cannot open a session", severity="error")
        return
    browser.sessions.open(
        namespace,
        pod,
        container,
        connection=connection,
        kind=kind,  # type: ignore[arg-type]
        command=command,
        pod_object=browser.pod((namespace, pod)),
        another=another,
    )
