"""A minimal stand-in for EphemeraApp, used by the CLI only while `tui/app.py` does not exist.

It shows which cluster the CLI resolved (context, server, namespace, a "demo cluster" marker)
and quits on `q`.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.kube.config import KubeConfig
from tui.kube.errors import ClusterError


class PlaceholderScreen(Screen[None]):
    """Context, server and namespace of the resolved connection."""

    DEFAULT_CSS = """
    PlaceholderScreen { align: center middle; }
    PlaceholderScreen > Vertical { width: auto; height: auto; border: round $accent; padding: 1 2; }
    #demo-marker { background: $warning; color: $text; text-style: bold; padding: 0 1; }
    """

    def __init__(self, lines: list[str], demo: bool) -> None:
        super().__init__()
        self._lines = lines
        self._demo = demo

    def compose(self) -> ComposeResult:
        with Vertical():
            if self._demo:
                yield Static("demo cluster", id="demo-marker")
            for i, line in enumerate(self._lines):
                yield Static(line, id=f"line-{i}")
        yield Footer()


class PlaceholderApp(App[None]):
    """Same constructor as EphemeraApp."""

    TITLE = "ephemera"
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(
        self,
        kubeconfig: KubeConfig,
        context: str | None = None,
        namespace: str | None = None,
        all_namespaces: bool = False,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.kubeconfig = kubeconfig
        self.context_name = context or kubeconfig.current_context
        self.namespace = namespace
        self.all_namespaces = all_namespaces
        self.demo = demo

    def _describe(self) -> list[str]:
        try:
            info = self.kubeconfig.context(self.context_name)
        except ClusterError as exc:
            return [f"error: {exc}"]
        ns = "all namespaces" if self.all_namespaces else (self.namespace or info.namespace or "default")
        return [f"context:   {info.name}", f"server:    {info.server}", f"namespace: {ns}",
                "", "The pod browser is not built yet. Press q to quit."]

    def on_mount(self) -> None:
        if self.demo:
            self.sub_title = "demo cluster"
        self.push_screen(PlaceholderScreen(self._describe(), self.demo))
