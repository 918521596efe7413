"""Pre-flight results of the debug form: one line per check with its verdict icon, what it
found and what to do, plus the server's dry-run verdict (a check like the others). The checks are
written with `ephemera debug`'s flags; `form_wording` says the same with the form's words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.debug.preflight import Check
from tui.display_text import safe_text, sanitize_text, visible_line

VERDICT_ICONS = {
    "ok": ("✔", "green"),
    "info": ("ℹ", "cyan"),
    "warn": ("⚠", "yellow"),
    "fail": ("✘", "bold red"),
}


# The checks speak `ephemera debug`'s flags; in the form they name the form's fields and keys.
_FORM_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"pass --reuse"), "press Ctrl+R"),  # the form's keys as its footer shows them
    (re.compile(r"--copy-to NAME"), "copy name"),
    (re.compile(r"-c NAME"), "name"),
    (re.compile(r"\(drop --target / --copy-to\)"), ""),
    (re.compile(r"debug a --copy-to instead"), "use the Copy and share mode instead"),
    (re.compile(r"--copy-to"), "the Copy and share mode"),
    (re.compile(r"--profile=(\w+)"), r"profile \1"),
    (re.compile(r"--run-as-user=(\d+)"), r"runAsUser \1"),
    (re.compile(r"drop --privileged"), "uncheck privileged"),
    (re.compile(r" \(or --custom with securityContext\.runAsUser\)"), ""),
    (re.compile(r"\(ephemera cleanup\)"), "(C: cleanup)"),
    (re.compile(r"`?ephemera cleanup`?"), "C (cleanup)"),
]


def form_wording(text: str) -> str:
    """A check's text with the flags replaced by the form's own words (mode names, fields, keys)."""
    for pattern, replacement in _FORM_WORDS:
        text = pattern.sub(replacement, text)
    return re.sub(r"  +", " ", text)


def render_checks(checks: Sequence[Check]) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, width=1)
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1)
    for check in checks:
        icon, style = VERDICT_ICONS[check.verdict]
        detail = Text(form_wording(check.found), style=style if check.verdict == "fail" else "")
        if check.todo:
            detail.append("\n→ " + form_wording(check.todo), style="dim")
        table.add_row(Text(icon, style=style), Text(visible_line(check.name)), sanitize_text(detail))
    return table


class PreflightList(Static):
    """`running()` while the checks run (old results stay, dimmed); `show(checks)`; `error(text)`."""

    DEFAULT_CSS = """
    PreflightList { height: auto; padding: 0 1; border: round $primary-darken-1;
        border-title-color: $text-accent; }
    PreflightList.-running { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("pre-flight: not run yet", style="dim"), id=id)
        self.checks: list[Check] = []
        self.border_title = "pre-flight"
        self.summary = Text("pre-flight: not run yet", style="dim")
        """One line for the top of the form (the list itself may be below the fold): the verdict
        and the names of the failed checks, `✘ pre-flight: 1 failed: static pod`."""

    def running(self) -> None:
        self.add_class("-running")
        self.border_title = "pre-flight: checking…"
        self.summary = Text("… pre-flight: checking…", style="dim")
        if not self.checks:
            self.update(Text("checking RBAC, the pod, Pod Security and a server dry run…", style="dim"))

    def show(self, checks: Sequence[Check]) -> None:
        self.checks = list(checks)
        self.remove_class("-running")
        failures = sum(1 for c in checks if c.verdict == "fail")
        warnings = sum(1 for c in checks if c.verdict == "warn")
        summary = f"{failures} failed" if failures else "all clear" if not warnings else \
            f"{warnings} warning{'' if warnings == 1 else 's'}"
        self.border_title = f"pre-flight: {summary}"
        failed = [visible_line(c.name) for c in checks if c.verdict == "fail"]
        warned = [visible_line(c.name) for c in checks if c.verdict == "warn"]
        if failed:
            self.summary = Text(f"✘ pre-flight: {summary}: {', '.join(failed)} ↓", style="bold red")
        elif warned:
            self.summary = Text(f"⚠ pre-flight: {summary}: {', '.join(warned)} ↓", style="yellow")
        else:
            self.summary = Text("✔ pre-flight: all clear", style="green")
        self.update(render_checks(checks))

    def error(self, message: str) -> None:
        self.checks = []
        self.remove_class("-running")
        self.border_title = "pre-flight: could not run"
        self.summary = Text("✘ pre-flight: could not run ↓", style="bold red")
        self.update(safe_text(message, style="bold red"))

    @property
    def text(self) -> str:
        """The checks as plain lines (tests, screen readers)."""
        return "\n".join(f"{c.verdict} {c.name}: {form_wording(c.found)}"
                         + (f" -> {form_wording(c.todo)}" if c.todo else "") for c in self.checks)
