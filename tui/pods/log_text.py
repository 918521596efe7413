"""Container logs as display lines, and the choices of the logs view (pure: no I/O, no Textual).

A log is a pod author's bytes: every line becomes display text through `tui.display_text.visible`
here (escape sequences, C1 controls and bidi overrides made visible, never markup), once, off the
UI thread, before the view (widgets/log_view.py) sees it. With `timestamps` the API server's
RFC 3339 prefix (`timestamps=true`) is split off into `LogLine.stamp`, so the view shows or hides it
without reading the log again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from tui.display_text import visible
from tui.pods.facts import ContainerEntry, container_entries
from tui.pods.sessions import DEFAULT_CONTAINER_ANNOTATION

__all__ = ["LIMITS", "LogLimit", "LogLine", "find_matches", "limit_label", "lines_text", "log_candidates",
           "log_file_name", "match_spans", "matching_lines", "parse_log", "parse_log_lines"]

# `2026-12-03T07:08:19.123456789Z ` (the kubelet's prefix; an offset instead of Z is accepted too)
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) ")
TAB_SIZE = 8


class LogLine(NamedTuple):
    """One line as shown: `stamp` the API server's timestamp ("" without one), `text` the line;
    both display-safe (`visible`), tabs expanded, no newline."""

    stamp: str
    text: str


def _parse(lines: list[str], timestamps: bool) -> list[LogLine]:
    parsed: list[LogLine] = []
    append = parsed.append
    match = _STAMP.match
    for line in lines:
        stamp = ""
        if timestamps:
            found = match(line)
            if found is not None:
                end = found.end()
                stamp, line = line[:end - 1], line[end:]
        if not line.isprintable():  # the usual line is, and needs nothing more
            if line.endswith("\r"):  # CRLF logs: the terminal hides the CR, so does the view
                line = line[:-1]
            if "\t" in line:
                line = line.expandtabs(TAB_SIZE)
            line = visible(line)
        append(LogLine(stamp, line))
    return parsed


def parse_log_lines(lines: Sequence[bytes], *, timestamps: bool = False) -> list[LogLine]:
    """Lines (bytes, without newlines) as display lines; `timestamps`: split off the server's prefix."""
    if not lines:
        return []
    return _parse(b"\n".join(lines).decode("utf-8", "replace").split("\n"), timestamps)


def parse_log(data: bytes, *, timestamps: bool = False) -> list[LogLine]:
    """A whole log (the body of `pods/log`) as display lines; a final newline ends the last line."""
    if not data:
        return []
    lines = data.decode("utf-8", "replace").split("\n")
    if not lines[-1]:
        lines.pop()
    return _parse(lines, timestamps)


def lines_text(lines: Iterable[LogLine], *, timestamps: bool) -> str:
    """The lines as shown (with their timestamps when shown), one per line: what is saved or copied."""
    if timestamps:
        return "".join(f"{line.stamp} {line.text}\n" if line.stamp else line.text + "\n" for line in lines)
    return "".join(line.text + "\n" for line in lines)


def _needle(term: str) -> tuple[str, bool]:
    """The term to look for and whether case matters: smart case, as less -i / vim's smartcase."""
    return term, term != term.lower()


def matching_lines(texts: Iterable[str], term: str) -> list[int]:
    """Indices of the texts holding `term` (smart case: case-insensitive unless it has a capital);
    the search of the logs view and the YAML view."""
    if not term:
        return []
    needle, exact = _needle(term)
    return [index for index, text in enumerate(texts) if needle in (text if exact else text.lower())]


def find_matches(lines: Sequence[LogLine], term: str, *, timestamps: bool = False) -> list[int]:
    """Indices of the lines holding `term` (`matching_lines`); with `timestamps` the shown stamp is
    searched too."""
    if not term:
        return []
    return matching_lines((f"{line.stamp} {line.text}" if timestamps and line.stamp else line.text
                           for line in lines), term)


def match_spans(text: str, term: str) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of `term` in `text` (smart case, as `find_matches`)."""
    if not term:
        return []
    needle, exact = _needle(term)
    haystack = text if exact else text.lower()
    spans: list[tuple[int, int]] = []
    start = haystack.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + len(needle))
    return spans


@dataclass(frozen=True)
class LogLimit:
    """How much of a log to read: the last `tail` lines and/or the last `since_seconds` (None: no limit)."""

    tail: int | None
    since_seconds: int | None = None


DEFAULT_LIMIT = LogLimit(1000)
LIMITS: tuple[LogLimit, ...] = (
    LogLimit(100), LogLimit(1000), LogLimit(10000), LogLimit(None),
    LogLimit(None, 60), LogLimit(None, 300), LogLimit(None, 900), LogLimit(None, 3600), LogLimit(None, 86400),
)


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def limit_label(limit: LogLimit) -> str:
    """`last 1000 lines`, `since 5m`, `all lines`, `last 100 lines since 1h`."""
    parts = []
    if limit.tail is not None:
        parts.append(f"last {limit.tail} lines")
    if limit.since_seconds is not None:
        parts.append(f"since {_duration(limit.since_seconds)}")
    return " ".join(parts) or "all lines"


def log_candidates(pod: dict[str, Any], *, previous: bool = False) -> tuple[list[ContainerEntry], ContainerEntry | None]:
    """Every container whose logs can be read (init, regular, ephemeral), and the one to offer
    first: for the previous run the container that restarted most (the crash), else kubectl's
    default (the annotated default container, else the first regular one)."""
    entries = container_entries(pod)
    if not entries:
        return [], None
    if previous:
        restarted = [e for e in entries if e.restarts > 0 or e.last_termination]
        if restarted:
            return entries, max(restarted, key=lambda e: e.restarts)
    annotated = ((pod.get("metadata") or {}).get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION)
    regular = [e for e in entries if e.kind == "container"]
    default = next((e for e in regular if e.name == annotated), regular[0] if regular else entries[0])
    return entries, default


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def log_file_name(namespace: str, pod: str, container: str, *, previous: bool, now: datetime) -> str:
    """`default_web-0_app_20261203-071500.log` (`-previous` before the time for the previous run);
    anything but letters, digits, `.`, `_` and `-` becomes `-`."""
    parts = [_UNSAFE_NAME.sub("-", part) for part in (namespace, pod, container)]
    suffix = "_previous" if previous else ""
    return f"{'_'.join(parts)}{suffix}_{now.strftime('%Y%m%d-%H%M%S')}.log"
