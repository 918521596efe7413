"""EphemeraApp: the Textual application (pod browser first)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding

from tui.palette import BrowserCommands
from tui.resources import stylesheet_path
from tui.screens.browser_screen import BrowserScreen


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class EphemeraApp(App[None]):
    """Keyboard-driven pod debugging. `kubeconfig` is a `tui.kube.config.KubeConfig`."""

    TITLE = "Ephemera"
    CSS_PATH = str(stylesheet_path())
    COMMANDS: ClassVar = App.COMMANDS | {BrowserCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        kubeconfig: Any,
        context: str | None = None,
        namespace: str | None = None,
        all_namespaces: bool = False,
        demo: bool = False,
        *,
        clock: Callable[[], datetime] | None = None,
        live_timers: bool = True,
    ) -> None:
        """`clock` fixes "now" for ages (snapshots); `live_timers=False` stops periodic refreshes."""
        super().__init__()
        self.kubeconfig = kubeconfig
        self.browser = BrowserScreen(
            kubeconfig=kubeconfig,
            context=context,
            namespace=namespace,
            all_namespaces=all_namespaces,
            demo=demo,
            clock=clock or _utcnow,
            live_timers=live_timers,
        )

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.push_screen(self.browser)

    def open_session(
        self,
        namespace: str,
        pod: str,
        container: str,
        kind: str = "attach",
        command: list[str] | None = None,
    ) -> None:
        """Open (or show) the terminal pane of a container: `kind="attach"` to its main process,
        `"exec"` to run `command` (None: a shell, bash else sh). Waits while the container is not
        running yet; shows logs and exit code when it has terminated."""
        from tui.screens.session_panes import open_pane

        open_pane(self.browser, namespace, pod, container, kind=kind, command=command)
