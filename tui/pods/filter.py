"""The pod browser's `/` filter: substring, regex, or a label selector sent to the watcher.

Rules (also shown in the help screen):
- `-l app=x,tier!=db` : a label selector; the watcher is restarted with it (server-side).
- `/expr/`            : a regular expression (case-insensitive).
- text containing any of `^$*+?()[]{}|\\` and compiling as a regex: a regular expression.
- anything else       : a case-insensitive substring.
Text filters match each of: name, namespace, namespace/name, status, node.
No Textual imports here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REGEX_CHARS = frozenset("^$*+?()[]{}|\\")


@dataclass(frozen=True)
class PodFilter:
    text: str = ""
    substring: str | None = None
    pattern: re.Pattern[str] | None = None
    label_selector: str | None = None
    error: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.text)

    @property
    def describe(self) -> str:
        """A short label for the header / table title."""
        if self.label_selector is not None:
            return f"labels {self.label_selector}"
        if self.pattern is not None:
            return f"regex /{self.pattern.pattern}/"
        if self.substring:
            return f'"{self.substring}"'
        return ""

    def matches(self, fields: tuple[str, ...]) -> bool:
        """True when any field matches (a regex is searched in each field on its own, so
        `^web-` anchors at the start of the name)."""
        if self.pattern is not None:
            return any(self.pattern.search(value) is not None for value in fields)
        if self.substring:
            needle = self.substring.lower()
            return any(needle in value.lower() for value in fields)
        return True


def parse_filter(text: str) -> PodFilter:
    """Parse what the user typed after `/`."""
    raw = text.strip()
    if not raw:
        return PodFilter()
    if raw == "-l" or raw.startswith(("-l ", "-l=")):
        selector = raw[2:].lstrip(" =").strip()
        if not selector:
            return PodFilter(text=raw, error="-l needs a label selector, e.g. -l app=slim")
        return PodFilter(text=raw, label_selector=selector)
    if len(raw) >= 2 and raw.startswith("/") and raw.endswith("/"):
        return _regex_or_error(raw, raw[1:-1])
    if any(ch in REGEX_CHARS for ch in raw):
        try:
            return PodFilter(text=raw, pattern=re.compile(raw, re.IGNORECASE))
        except re.error:
            return PodFilter(text=raw, substring=raw)
    return PodFilter(text=raw, substring=raw)


def _regex_or_error(raw: str, expression: str) -> PodFilter:
    try:
        return PodFilter(text=raw, pattern=re.compile(expression, re.IGNORECASE))
    except re.error as exc:
        return PodFilter(text=raw, substring=expression, error=f"bad regex: {exc}")
