"""A yes/no confirmation for things that cannot be undone (privileged debuggers, deletions).

`ConfirmModal(title, reasons, confirm_label="Create")` dismisses with True only on `y` (or the
confirm button); `n`, Esc and the cancel button dismiss with False. Enter on a button presses it;
the cancel button has the focus first, so a stray Enter never confirms.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.display_text import safe_text, visible


class ConfirmModal(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal #confirm { width: 72; max-width: 95%; height: auto; max-height: 90%;
        background: $panel; border: thick $error; padding: 0 1; }
    ConfirmModal #confirm-title { text-style: bold; }
    ConfirmModal #confirm-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmModal Button { margin-left: 2; }
    """
    HELP_TITLE = "confirmation"  # the help's title: "Keys: confirmation"
    BINDINGS = [
        Binding("y", "confirm", "Yes"),
        Binding("n,escape", "cancel", "No"),
    ]

    def __init__(self, title: str, reasons: Sequence[str], *, confirm_label: str = "Create") -> None:
        super().__init__()
        self.title_text = title
        self.reasons = list(reasons)
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        body = Text()
        for reason in self.reasons:
            body.append("• ", style="bold yellow")
            body.append(visible(reason) + "\n")
        with Vertical(id="confirm"):
            yield Static(safe_text(self.title_text), id="confirm-title")
            yield Static(body, id="confirm-reasons")
            yield Static(Text(f"y: {self.confirm_label.lower()}   n / Esc: cancel", style="dim"))
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="confirm-no")
                yield Button(f"{self.confirm_label} (y)", id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
