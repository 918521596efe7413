"""Container logs as display lines (tui/pods/log_text.py) and the log request (tui/kube/pod_reads.py)."""

from __future__ import annotations

from datetime import datetime

from tui.kube.pod_reads import LogRequest, log_query
from tui.pods.log_text import (
    LIMITS,
    LogLimit,
    LogLine,
    find_matches,
    limit_label,
    lines_text,
    log_candidates,
    log_file_name,
    match_spans,
    parse_log,
    parse_log_lines,
)


def test_timestamps_are_split_off_and_lines_kept_as_sent() -> None:
    data = (b"2026-12-03T07:08:19.123456789Z hello world\n"
            b"2026-12-03T07:08:20+01:00 offset\n"
            b"no stamp here\n"
            b"\n")
    assert parse_log(data, timestamps=True) == [
        LogLine("2026-12-03T07:08:19.123456789Z", "hello world"),
        LogLine("2026-12-03T07:08:20+01:00", "offset"),
        LogLine("", "no stamp here"),
        LogLine("", ""),  # an empty line stays a line
    ]
    assert parse_log(data)[0] == LogLine("", "2026-12-03T07:08:19.123456789Z hello world")
    assert parse_log(b"last line without newline") == [LogLine("", "last line without newline")]
    assert parse_log(b"") == []


def test_every_line_is_display_text() -> None:
    hostile = b"a\x1b]52;c;aGk=\x07b\x1b[2J\xc2\x9b2J\x7f\xe2\x80\xaeevil [/][link=x]y\r"
    (line,) = parse_log(hostile + b"\n")
    assert line.text == "a␛]52;c;aGk=␇b␛[2J<U+009B>2J␡<U+202E>evil [/][link=x]y"  # CR of CRLF dropped
    assert parse_log(b"a\tb\n")[0].text == "a       b"  # tabs expanded: one cell per character
    assert parse_log(b"bad \xff utf-8\n")[0].text == "bad \ufffd utf-8"
    assert parse_log_lines([b"2026-12-03T07:08:19Z x\x1b", b"y"], timestamps=True) == [
        LogLine("2026-12-03T07:08:19Z", "x␛"), LogLine("", "y")]


def test_search_is_smart_case() -> None:
    lines = [LogLine("", "Connect ok"), LogLine("", "connection refused"), LogLine("", "nothing")]
    assert find_matches(lines, "connect") == [0, 1]
    assert find_matches(lines, "Connect") == [0]
    assert find_matches(lines, "") == []
    assert match_spans("connect, connect", "connect") == [(0, 7), (9, 16)]
    assert match_spans("CONNECT", "connect") == [(0, 7)]


def test_text_as_shown_for_saving_and_copying() -> None:
    lines = [LogLine("2026-12-03T07:08:19Z", "a"), LogLine("", "b")]
    assert lines_text(lines, timestamps=False) == "a\nb\n"
    assert lines_text(lines, timestamps=True) == "2026-12-03T07:08:19Z a\nb\n"


def test_log_query_is_kubectls() -> None:
    assert log_query(LogRequest("app")) == [("container", "app"), ("tailLines", "2000")]
    assert log_query(LogRequest("app", previous=True, tail=None, since_seconds=300, timestamps=True,
                                follow=True)) == [
        ("container", "app"), ("follow", "true"), ("previous", "true"), ("sinceSeconds", "300"),
        ("timestamps", "true")]


def _pod(statuses: list[dict], annotations: dict | None = None) -> dict:
    return {
        "metadata": {"name": "p", "namespace": "default", "annotations": annotations or {}},
        "spec": {"initContainers": [{"name": "init", "image": "busybox"}],
                 "containers": [{"name": "app", "image": "x"}, {"name": "sidecar", "image": "y"}],
                 "ephemeralContainers": [{"name": "debugger", "image": "busybox"}]},
        "status": {"containerStatuses": statuses},
    }


def test_candidates_are_every_container_and_the_default_fits_the_key() -> None:
    pod = _pod([{"name": "app", "restartCount": 0, "state": {"running": {}}},
                {"name": "sidecar", "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                 "lastState": {"terminated": {"exitCode": 1}}}])
    entries, default = log_candidates(pod)
    assert [e.name for e in entries] == ["init", "app", "sidecar", "debugger"]
    assert default is not None and default.name == "app"  # kubectl logs' default: the first container
    _, default = log_candidates(pod, previous=True)
    assert default is not None and default.name == "sidecar"  # the crash
    _, default = log_candidates(_pod([], {"kubectl.kubernetes.io/default-container": "sidecar"}))
    assert default is not None and default.name == "sidecar"
    assert log_candidates({"metadata": {}, "spec": {}}) == ([], None)


def test_limits_and_file_names() -> None:
    assert [limit_label(limit) for limit in LIMITS] == [
        "last 100 lines", "last 1000 lines", "last 10000 lines", "all lines",
        "since 1m", "since 5m", "since 15m", "since 1h", "since 1d"]
    assert limit_label(LogLimit(100, 3600)) == "last 100 lines since 1h"
    when = datetime(2026, 12, 3, 7, 15, 0)
    assert log_file_name("default", "web-0", "app", previous=False, now=when) == "default_web-0_app_20261203-071500.log"
    assert log_file_name("ns", "../../etc", "a/b", previous=True, now=when) == \
        "ns_..-..-etc_a-b_previous_20261203-071500.log"
