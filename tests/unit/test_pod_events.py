"""tui/pods/events.py and tui/pods/workload.py: the inspector's event rows and workload, pure."""

from __future__ import annotations

from datetime import UTC, datetime

from tui.pods.events import event_rows
from tui.pods.workload import OwnerChain, OwnerLink, chain_lesson, rolled_pods

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def _event(reason: str, last: str, *, count: int | None = None, first: str = "", message: str = "m",
           kind: str = "Normal", uid: str = "e", field_path: str = "") -> dict:
    event: dict = {"metadata": {"uid": uid}, "type": kind, "reason": reason, "message": message,
                   "involvedObject": {"kind": "Pod", "name": "p", "uid": "pod-uid", "fieldPath": field_path},
                   "source": {"component": "kubelet"}, "lastTimestamp": last, "firstTimestamp": first or last}
    if count is not None:
        event["count"] = count
    return event


def test_newest_first_with_ages_and_counts() -> None:
    rows = event_rows([
        _event("Scheduled", "2026-01-01T11:50:00Z", uid="1"),
        _event("BackOff", "2026-01-01T11:59:50Z", count=4, first="2026-01-01T11:58:00Z", kind="Warning", uid="2",
               field_path="spec.ephemeralContainers{debugger}"),
        _event("Pulling", "2026-01-01T11:55:00Z", uid="3"),
    ], NOW)
    assert [row.reason for row in rows] == ["BackOff", "Pulling", "Scheduled"]
    assert rows[0].age == "10s" and rows[0].count_text == "x4 over 2m" and rows[0].warning
    assert rows[0].container == "debugger"
    assert rows[2].age == "10m" and rows[2].count_text == ""


def test_the_same_story_twice_is_one_row_with_the_counts_added() -> None:
    rows = event_rows([
        _event("Failed", "2026-01-01T11:40:00Z", count=2, first="2026-01-01T11:30:00Z", uid="a", message="x"),
        _event("Failed", "2026-01-01T11:59:00Z", count=3, uid="b", message="x"),
    ], NOW)
    assert len(rows) == 1
    assert rows[0].count == 5 and rows[0].age == "60s" and rows[0].count_text == "x5 over 30m"


def test_the_new_recorders_event_time_and_ties_newest_reported_first() -> None:
    scheduled = {"metadata": {"uid": "s"}, "type": "Normal", "reason": "Scheduled", "message": "assigned",
                 "involvedObject": {"name": "p"}, "eventTime": "2026-01-01T11:58:59.500000Z",
                 "reportingComponent": "default-scheduler"}
    rows = event_rows([scheduled, _event("A", "2026-01-01T11:59:00Z", uid="1"),
                       _event("B", "2026-01-01T11:59:00Z", uid="2")], NOW)
    assert [row.reason for row in rows] == ["B", "A", "Scheduled"]
    assert rows[2].source == "default-scheduler" and rows[2].age == "60s"


def test_rolled_pods_per_kind() -> None:
    assert rolled_pods("Deployment", {"spec": {"replicas": 3}, "status": {"replicas": 4, "observedGeneration": 2}}) == 4
    assert rolled_pods("Deployment", {"spec": {}}) == 1
    assert rolled_pods("StatefulSet", {"spec": {"replicas": 2}}) == 2
    assert rolled_pods("DaemonSet", {"status": {"currentNumberScheduled": 5}}) == 5
    assert rolled_pods("ReplicaSet", {"spec": {"replicas": 3}}) is None
    assert rolled_pods("Job", {"spec": {}}) is None


def test_the_lesson_names_the_number_of_pods() -> None:
    pod = {"metadata": {"name": "slim-79487d6484-h4rss", "labels": {"pod-template-hash": "79487d6484"},
                        "ownerReferences": [{"kind": "ReplicaSet", "name": "slim-79487d6484", "controller": True}]},
           "spec": {}}
    deployment = {"spec": {"replicas": 3}, "status": {"replicas": 3, "readyReplicas": 3, "observedGeneration": 1}}
    chain = OwnerChain((OwnerLink.of("ReplicaSet", "slim-79487d6484", {"spec": {"replicas": 3}}),
                        OwnerLink.of("Deployment", "slim", deployment)))
    assert chain.text() == "Deployment slim -> ReplicaSet slim-79487d6484 -> Pod"
    assert chain.links[1].describe() == "Deployment slim (3 replicas, 3 ready)"
    assert chain_lesson(pod, chain).startswith("turning shareProcessNamespace on in Deployment slim restarts its 3 pods")
    assert "rolls all its pods" in chain_lesson(pod, None)  # not read (yet): the lesson without a number
    refused = OwnerChain((OwnerLink.of("ReplicaSet", "slim-79487d6484", None, "403"),), ("403",))
    assert refused.rolled_pods() is None and "rolls all its pods" in chain_lesson(pod, refused)
