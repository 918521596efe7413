"""The demo's churn storm (`faults.churn`): pods created next to existing ones and deleted again,
seen by a watch as ADDED and DELETED events, their number bounded, the cluster as it was after."""

from __future__ import annotations

import re
from typing import Any

from helpers.demo_http import Raw, wait_for
from tui.demo.cluster import DemoCluster
from tui.demo.faults import CHURN_LABEL

SUFFIX = re.compile(r"^(?P<anchor>.+)-[0-9a-f]{5}$")


def _pods(raw: Raw, namespace: str) -> tuple[set[str], int]:
    _, body = raw.json("GET", f"/api/v1/namespaces/{namespace}/pods")
    return {p["metadata"]["name"] for p in body["items"]}, int(body["metadata"]["resourceVersion"])


def _churned(event: dict[str, Any]) -> bool:
    return CHURN_LABEL in (event["object"]["metadata"].get("labels") or {})


def _watch(demo_cluster: DemoCluster, raw: Raw, rv: int) -> Any:
    stream = raw.stream(f"/api/v1/namespaces/default/pods?watch=1&resourceVersion={rv}")
    wait_for(lambda: demo_cluster.run(lambda: len(demo_cluster.store.watchers)), what="watch registered")
    return stream


def test_churn_adds_and_deletes_pods_next_to_existing_ones_never_more_than_alive(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    before, rv = _pods(raw, "default")
    stream = _watch(demo_cluster, raw, rv)
    # until the cluster stops: a churn bounded in time could make fewer than read here on a busy machine
    demo_cluster.faults.churn(pods_per_second=400, seconds=600.0, namespace="default", alive=30)
    living: set[str] = set()
    most = 0
    added = deleted = 0
    while deleted < 120:  # four times `alive`: the oldest went while new ones came
        event = stream.next_event()
        assert event is not None, "the watch ended"
        if not _churned(event):
            continue  # the scenario's own pods (the crash loops) change meanwhile
        name = event["object"]["metadata"]["name"]
        if event["type"] == "ADDED":
            match = SUFFIX.match(name)
            assert match and match["anchor"] in before, name  # its row sorts right after an existing pod's
            assert event["object"]["metadata"]["namespace"] == "default"
            assert name not in living
            living.add(name)
            added += 1
        else:
            assert event["type"] == "DELETED", event["type"]
            living.remove(name)  # only pods it created go
            deleted += 1
        most = max(most, len(living))
    stream.close()
    assert most == 30  # the count stays bounded: at most `alive` churn pods at any moment
    assert added > 120  # and new ones kept coming while the oldest went


def test_churn_leaves_the_pods_it_found(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    before, rv = _pods(raw, "default")
    stream = _watch(demo_cluster, raw, rv)
    demo_cluster.faults.churn(pods_per_second=200, seconds=0.3, namespace="default")
    living: set[str] = set()
    seen = 0

    def ended(event: dict[str, Any]) -> bool:
        nonlocal seen
        if not _churned(event):
            return False
        name = event["object"]["metadata"]["name"]
        if event["type"] == "ADDED":
            living.add(name)
            seen += 1
        else:
            living.discard(name)
        return seen > 0 and not living  # every pod it made is gone (mid-churn 190 or more stay)

    stream.events_until(ended)
    stream.close()
    assert seen >= 10 and not living  # one tick's 10 pods at least, every one deleted again
    assert _pods(Raw(demo_cluster), "default")[0] == before  # a new connection: the watch's was left unread
