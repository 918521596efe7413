"""The `pods/log` query options as the kubelet applies them (plain functions, no I/O).

`tailLines`, `sinceSeconds` / `sinceTime`, `timestamps` (each line prefixed with the RFC 3339
time, nanosecond precision, it was written) and `limitBytes` (the output is cut after that many
bytes, also when following).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.demo.api.status import ApiError

TimedLine = tuple[float, bytes]  # (epoch seconds the line's first byte was written, the line)


def rfc3339_nano(moment: float) -> str:
    """`2026-11-22T03:42:17.123456000Z`, the kubelet's timestamp prefix (without the space)."""
    when = datetime.fromtimestamp(moment, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond:06d}000Z"


def split_lines(chunks: Iterable[tuple[float, bytes]]) -> list[TimedLine]:
    """Timed output chunks as lines (the last one may lack its newline), each with the time of the
    chunk its first byte came in."""
    lines: list[TimedLine] = []
    pending = b""
    pending_time = 0.0
    for moment, data in chunks:
        for piece in data.splitlines(keepends=True):
            if not pending:
                pending_time = moment
            pending += piece
            if pending.endswith(b"\n"):
                lines.append((pending_time, pending))
                pending = b""
    if pending:
        lines.append((pending_time, pending))
    return lines


def _int_option(query: Mapping[str, str], name: str, minimum: int) -> int | None:
    text = query.get(name)
    if text in (None, ""):
        return None
    try:
        value = int(str(text))
    except ValueError:
        raise ApiError(400, f'invalid value for "{name}": {text!r} is not an integer', "BadRequest") from None
    if value < minimum:
        raise ApiError(422, f"PodLogOptions \"\" is invalid: {name}: Invalid value: {value}: must be "
                            f"{'greater than 0' if minimum > 0 else 'greater than or equal to 0'}", "Invalid")
    return value


@dataclass(frozen=True)
class LogQuery:
    tail: int | None = None
    since: float | None = None  # epoch seconds: only lines written at or after it
    timestamps: bool = False
    limit_bytes: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str], now: float) -> LogQuery:
        since: float | None = None
        seconds = _int_option(query, "sinceSeconds", 1)
        if seconds is not None:
            since = now - seconds
        since_time = query.get("sinceTime")
        if since_time:
            if seconds is not None:
                raise ApiError(422, 'PodLogOptions "" is invalid: sinceSeconds: Forbidden: at most one of '
                                    "`sinceTime` or `sinceSeconds` may be specified", "Invalid")
            try:
                since = datetime.fromisoformat(since_time.replace("Z", "+00:00")).timestamp()
            except ValueError:
                raise ApiError(400, f'parsing time "{since_time}" as "2006-01-02T15:04:05Z07:00": cannot parse',
                               "BadRequest") from None
        return cls(
            tail=_int_option(query, "tailLines", 0),
            since=since,
            timestamps=str(query.get("timestamps", "")).lower() in ("1", "true"),
            limit_bytes=_int_option(query, "limitBytes", 1),
        )

    def render(self, lines: list[TimedLine]) -> bytes:
        """The history part of a log response."""
        if self.since is not None:
            lines = [line for line in lines if line[0] >= self.since]
        if self.tail is not None:
            lines = lines[-self.tail:] if self.tail else []
        body = b"".join(self._stamp(moment) + data for moment, data in lines)
        return body if self.limit_bytes is None else body[:self.limit_bytes]

    def _stamp(self, moment: float) -> bytes:
        return (rfc3339_nano(moment) + " ").encode() if self.timestamps else b""


class LiveLog:
    """Formats a followed log's live chunks: timestamps at line starts, the byte limit overall."""

    def __init__(self, query: LogQuery, sent: int, at_line_start: bool) -> None:
        self.query = query
        self.remaining = None if query.limit_bytes is None else max(query.limit_bytes - sent, 0)
        self.at_line_start = at_line_start

    @property
    def exhausted(self) -> bool:
        return self.remaining == 0

    def format(self, data: bytes, moment: float) -> bytes:
        if self.query.timestamps:
            out = bytearray()
            for piece in data.splitlines(keepends=True):
                if self.at_line_start:
                    out += self.query._stamp(moment)
                out += piece
                self.at_line_start = piece.endswith(b"\n")
            data = bytes(out)
        elif data:
            self.at_line_start = data.endswith(b"\n")
        if self.remaining is not None:
            data = data[:self.remaining]
            self.remaining -= len(data)
        return data
