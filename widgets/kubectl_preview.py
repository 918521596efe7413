"""The live preview of the `kubectl debug` command equivalent to the debug form's choices."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class KubectlPreview(Static):
    """Shows the command (copyable as one line), the --custom file when kubectl needs one, and
    notes where kubectl would do something different. `command` holds the plain text."""

    DEFAULT_CSS = """
    KubectlPreview { height: auto; padding: 0 1; border: round $primary-darken-1;
        border-title-color: $text-accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.command = ""
        self.border_title = "kubectl equivalent (ctrl+y copies)"

    def show_command(self, command: str, *, custom_json: str | None = None, notes: list[str] | None = None) -> None:
        self.command = command
        text = Text(command, style="bold green")
        if custom_json:
            text.append("\n--custom file (what kubectl has no flag for):\n", style="dim")
            text.append(custom_json, style="cyan")
        for note in notes or ():
            text.append(f"\nnote: {note}", style="yellow")
        self.update(text)

    def show_problem(self, message: str) -> None:
        """No command: the choices cannot be planned (the message says why)."""
        self.command = ""
        self.update(Text(f"(no command: {message})", style="bold red"))
