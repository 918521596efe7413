"""The pod table's order (tui/pods/rows.py: RowSort, sort_key, sort_pods): stable, numbers as
numbers, AGE by creationTimestamp, missing values last, and the column cycle over the shown columns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tui.display_text import visible_line
from tui.pods.rows import DEFAULT_SORT, RowSort, column_keys, pod_row, row_facts, row_texts, sort_key, sort_pods
from tui.pods.status import pod_columns


def pod(name: str, namespace: str = "default", *, restarts: int = 0, created: str | None = "2025-06-01T12:00:00Z",
        node: str | None = "node-a", ready: tuple[int, int] = (1, 1), waiting: str = "",
        ephemeral: int = 0) -> dict[str, Any]:
    total_ready, total = ready
    statuses = []
    for index in range(total):
        state: dict[str, Any] = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
        statuses.append({"name": f"c{index}", "ready": index < total_ready, "state": state,
                         "restartCount": restarts if index == 0 else 0})
    metadata: dict[str, Any] = {"name": name, "namespace": namespace}
    if created is not None:
        metadata["creationTimestamp"] = created
    spec: dict[str, Any] = {"containers": [{"name": f"c{i}"} for i in range(total)]}
    if node is not None:
        spec["nodeName"] = node
    if ephemeral:
        spec["ephemeralContainers"] = [{"name": f"debugger-{i}"} for i in range(ephemeral)]
    return {"metadata": metadata, "spec": spec, "status": {"phase": "Running", "containerStatuses": statuses}}


def names(pods: list[dict[str, Any]], sort: RowSort) -> list[str]:
    return [name for _, name in sort_pods(pods, sort)]


def test_default_order_is_namespace_then_name() -> None:
    pods = [pod("b", "ns2"), pod("a", "ns2"), pod("z", "ns1")]
    assert sort_pods(pods) == [("ns1", "z"), ("ns2", "a"), ("ns2", "b")]
    assert sort_pods(pods, DEFAULT_SORT) == sorted(sort_pods(pods))


def test_name_sorts_across_namespaces() -> None:
    pods = [pod("b", "ns1"), pod("a", "ns2"), pod("c", "ns0")]
    assert names(pods, RowSort("name")) == ["a", "b", "c"]
    assert names(pods, RowSort("name", descending=True)) == ["c", "b", "a"]


def test_text_descending_puts_a_longer_name_first() -> None:
    pods = [pod("web"), pod("web-1"), pod("we")]
    assert names(pods, RowSort("name")) == ["we", "web", "web-1"]
    assert names(pods, RowSort("name", descending=True)) == ["web-1", "web", "we"]


def test_restarts_are_numbers_not_text() -> None:
    pods = [pod("ten", restarts=10), pod("nine", restarts=9), pod("none"), pod("two", restarts=2)]
    assert names(pods, RowSort("restarts")) == ["none", "two", "nine", "ten"]
    assert names(pods, RowSort("restarts", descending=True)) == ["ten", "nine", "two", "none"]


def test_equal_values_keep_namespace_and_name_order_both_ways() -> None:
    pods = [pod("c", restarts=1), pod("a", restarts=1), pod("b", "kube-system", restarts=1), pod("x", restarts=5)]
    assert sort_pods(pods, RowSort("restarts")) == [("default", "a"), ("default", "c"), ("kube-system", "b"),
                                                    ("default", "x")]
    assert sort_pods(pods, RowSort("restarts", descending=True)) == [
        ("default", "x"), ("default", "a"), ("default", "c"), ("kube-system", "b")]
    # stable: the input's order never matters
    assert sort_pods(list(reversed(pods)), RowSort("restarts")) == sort_pods(pods, RowSort("restarts"))


def test_age_is_by_creation_timestamp_youngest_first() -> None:
    pods = [
        pod("day", created="2025-06-01T12:00:00Z"),
        pod("minute", created="2025-06-02T11:59:00Z"),
        pod("year", created="2024-06-02T12:00:00Z"),
        pod("offset", created="2025-06-02T13:30:00+02:00"),  # 11:30Z: between minute and day
        pod("unknown", created=None),
    ]
    assert names(pods, RowSort("age")) == ["minute", "offset", "day", "year", "unknown"]
    assert names(pods, RowSort("age", descending=True)) == ["year", "day", "offset", "minute", "unknown"]


def test_missing_node_comes_last_both_ways() -> None:
    pods = [pod("b", node="node-b"), pod("pending", node=None), pod("a", node="node-a")]
    assert names(pods, RowSort("node")) == ["a", "b", "pending"]
    assert names(pods, RowSort("node", descending=True)) == ["b", "a", "pending"]


def test_ready_by_fraction_status_by_text_eph_by_count() -> None:
    pods = [pod("half", ready=(1, 2)), pod("full", ready=(2, 2)), pod("none", ready=(0, 3))]
    assert names(pods, RowSort("ready")) == ["none", "half", "full"]
    waiting = [pod("crash", waiting="CrashLoopBackOff"), pod("run"), pod("pull", waiting="ErrImagePull")]
    assert names(waiting, RowSort("status")) == ["crash", "pull", "run"]
    debug = [pod("two", ephemeral=2), pod("zero"), pod("one", ephemeral=1)]
    assert names(debug, RowSort("eph", descending=True)) == ["two", "one", "zero"]


def test_rows_from_the_kept_facts_show_kubectls_columns_and_sort_by_that_text() -> None:
    """The table keeps a few facts per pod (tui.pods.rows.RowFacts), not the pod: its row text must
    be kubectl's columns made visible (restarts "ago" and AGE recomputed from the facts), and READY,
    STATUS and RESTARTS sort by the text shown (a hostile status too)."""
    now = datetime(2025, 6, 2, tzinfo=UTC)
    keys = column_keys(show_namespace=True, compact=False)
    crashed = pod("x", restarts=7, ready=(1, 2))
    crashed["status"]["containerStatuses"][0]["lastState"] = {"terminated": {"finishedAt": "2025-06-01T23:57:00Z"}}
    for subject in (crashed, pod("y", waiting="Crash\x1b]52;c;aGk=\x07[b]"), pod("z", node=None, created=None)):
        columns = pod_columns(subject, now)
        facts = row_facts(subject)
        texts = dict(zip(keys, row_texts(facts, now.timestamp(), keys), strict=True))
        assert texts == {"namespace": "default", "name": visible_line(columns.name), "ready": columns.ready,
                         "status": visible_line(columns.status), "restarts": columns.restarts, "age": columns.age,
                         "node": columns.node, "eph": "-"}
        assert [cell.plain for cell in pod_row(subject, now, keys)] == list(texts.values())
        assert sort_key(facts, RowSort("status")) == (0, texts["status"], "default", subject["metadata"]["name"])
    assert row_texts(row_facts(crashed), now.timestamp(), ["restarts"]) == ("7 (3m ago)",)


def test_unknown_column_is_an_error() -> None:
    with pytest.raises(ValueError, match="no such column"):
        sort_key(row_facts(pod("a")), RowSort("colour"))


def test_cycle_over_shown_columns_and_reverse() -> None:
    one_namespace = column_keys(show_namespace=False, compact=False)
    assert one_namespace == ["name", "ready", "status", "restarts", "age", "node", "eph"]
    # the default (namespace, name) is marked on NAME when NAMESPACE is hidden
    assert DEFAULT_SORT.shown_column(one_namespace) == "name"
    assert DEFAULT_SORT.next_column(one_namespace) == RowSort("ready")
    assert DEFAULT_SORT.reversed(one_namespace) == RowSort("name", descending=True)
    assert RowSort("eph", descending=True).next_column(one_namespace) == RowSort("name")
    every_namespace = column_keys(show_namespace=True, compact=True)
    assert DEFAULT_SORT.shown_column(every_namespace) == "namespace"
    assert DEFAULT_SORT.next_column(every_namespace) == RowSort("name")
    # a hidden column (NODE at a narrow width) carries no mark; the cycle starts over
    assert RowSort("node").shown_column(every_namespace) is None
    assert RowSort("node").next_column(every_namespace) == RowSort("namespace")
    assert RowSort("restarts", descending=True).arrow == "↓" and RowSort("age").arrow == "↑"
    assert RowSort("restarts", descending=True).describe() == "RESTARTS ↓ (descending)"
