"""The demo's pods/log options (tailLines, sinceSeconds/sinceTime, timestamps, limitBytes) as pure functions."""

from __future__ import annotations

import pytest

from tui.demo.api.status import ApiError
from tui.demo.node.logquery import LiveLog, LogQuery, rfc3339_nano, split_lines

CHUNKS = [(100.0, b"one\ntw"), (105.0, b"o\nthree\n"), (110.0, b"partial")]


def test_lines_carry_the_time_of_their_first_byte() -> None:
    assert split_lines(CHUNKS) == [(100.0, b"one\n"), (100.0, b"two\n"), (105.0, b"three\n"), (110.0, b"partial")]


def test_since_then_tail_then_limit() -> None:
    lines = split_lines(CHUNKS)
    assert LogQuery.from_query({"sinceSeconds": "6"}, now=111.0).render(lines) == b"three\npartial"
    assert LogQuery.from_query({"tailLines": "2"}, now=0).render(lines) == b"three\npartial"
    assert LogQuery.from_query({"tailLines": "0"}, now=0).render(lines) == b""
    assert LogQuery.from_query({"limitBytes": "6"}, now=0).render(lines) == b"one\ntw"
    since_time = LogQuery.from_query({"sinceTime": "1970-01-01T00:01:50Z"}, now=0)
    assert since_time.render(lines) == b"partial"


def test_timestamps_are_rfc3339_with_nanoseconds() -> None:
    assert rfc3339_nano(1.5) == "1970-01-01T00:00:01.500000000Z"
    stamped = LogQuery(timestamps=True).render([(1.5, b"a\n")])
    assert stamped == b"1970-01-01T00:00:01.500000000Z a\n"


def test_live_chunks_get_stamps_at_line_starts_and_stop_at_the_limit() -> None:
    live = LiveLog(LogQuery(timestamps=True, limit_bytes=40), sent=0, at_line_start=True)
    first = live.format(b"x\ny", 2.0)
    assert first == b"1970-01-01T00:00:02.000000000Z x\n1970-01"
    assert live.exhausted
    plain = LiveLog(LogQuery(), sent=0, at_line_start=False)
    assert plain.format(b"rest\n", 3.0) == b"rest\n" and not plain.exhausted


def test_invalid_options_are_the_api_servers_errors() -> None:
    with pytest.raises(ApiError) as error:
        LogQuery.from_query({"sinceSeconds": "5", "sinceTime": "2020-01-01T00:00:00Z"}, now=0)
    assert error.value.code == 422
    with pytest.raises(ApiError) as error:
        LogQuery.from_query({"tailLines": "x"}, now=0)
    assert error.value.code == 400
