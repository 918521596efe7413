"""The live preview of the `kubectl debug` command equivalent to the debug form's choices."""

from __future__ import annotations

import re

from rich.text import Text
from textual.widgets import Static

from tui.display_text import safe_text, sanitize_text, unsafe_characters


class KubectlPreview(Static):
    """Shows the command (copyable as one line), the --custom file when kubectl needs one, and
    notes where kubectl would do something different. `command` holds the plain text,
    `clipboard_text` the lines to paste (the --custom file written first when there is one)."""

    DEFAULT_CSS = """
    KubectlPreview { height: auto; padding: 0 1; border: round $primary-darken-1;
        border-title-color: $text-accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.command = ""
        self.custom_json: str | None = None
        self.border_title = "kubectl equivalent (Ctrl+Y copies)"

    @property
    def clipboard_text(self) -> str:
        """What ctrl+y copies: the command, preceded by a here-document writing its --custom file
        when it needs one, so the pasted lines run as they are."""
        if not self.command or not self.custom_json:
            return self.command
        match = re.search(r"--custom=(\S+)", self.command)
        if match is None:
            return self.command
        return f"cat > {match.group(1)} <<'EOF'\n{self.custom_json}\nEOF\n{self.command}"

    @property
    def copy_problem(self) -> str:
        """Why Ctrl+Y must not copy the command ("" when it may): a value in it (an image from
        config.toml, a pasted field) holds control or invisible characters, shown here as ␛ or
        <U+202E>, which pasted into a shell would run unseen."""
        unsafe = unsafe_characters(self.clipboard_text)
        if not unsafe:
            return ""
        return (f"Not copied: the kubectl command holds {', '.join(unsafe)} (control or invisible characters, "
                "shown so in the preview); fix the field that has them")

    def show_command(self, command: str, *, custom_json: str | None = None, notes: list[str] | None = None) -> None:
        self.command = command
        self.custom_json = custom_json
        text = Text(command, style="bold green")
        if custom_json:
            text.append("\n--custom file (what kubectl has no flag for):\n", style="dim")
            text.append(custom_json, style="cyan")
        for note in notes or ():
            text.append(f"\nnote: {note}", style="yellow")
        self.update(sanitize_text(text))

    def show_problem(self, message: str) -> None:
        """No command: the choices cannot be planned (the message says why)."""
        self.command = ""
        self.custom_json = None
        self.update(safe_text(f"(no command: {message})", style="bold red"))
