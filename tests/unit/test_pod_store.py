"""Batching of pod changes: collapsing, resets, and a store that applies batches."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.pods.store import PodBatch, PodChangeBuffer, PodStore
from tui.pods.stored import StoredPod, stored_pod


def pod(name: str, namespace: str = "default", phase: str = "Running") -> dict:
    return {"metadata": {"name": name, "namespace": namespace}, "status": {"phase": phase}}


def kept(name: str, namespace: str = "default", phase: str = "Running") -> StoredPod:
    return stored_pod(pod(name, namespace, phase))


def test_several_changes_of_one_pod_collapse_into_its_latest_state() -> None:
    buffer = PodChangeBuffer()
    buffer.upsert(kept("web", phase="Pending"))
    buffer.upsert(kept("web", phase="Running"))
    batch = buffer.take()
    assert batch is not None
    assert list(batch.upserts) == [("default", "web")]
    assert batch.upserts[("default", "web")].decode()["status"]["phase"] == "Running"
    assert buffer.take() is None


def test_a_pod_deleted_after_an_update_is_only_deleted() -> None:
    buffer = PodChangeBuffer()
    buffer.upsert(kept("web"))
    buffer.delete(("default", "web"))
    batch = buffer.take()
    assert batch == PodBatch(upserts={}, deletes=frozenset({("default", "web")}))


def test_a_pod_recreated_after_deletion_is_an_upsert() -> None:
    buffer = PodChangeBuffer()
    buffer.delete(("default", "web"))
    buffer.upsert(kept("web"))
    batch = buffer.take()
    assert batch is not None and batch.deletes == frozenset() and ("default", "web") in batch.upserts


def test_reset_supersedes_pending_changes_and_absorbs_later_ones() -> None:
    buffer = PodChangeBuffer()
    buffer.upsert(kept("old"))
    buffer.delete(("default", "gone"))
    buffer.replace_all([kept("a"), kept("b")])
    buffer.upsert(kept("c"))
    buffer.delete(("default", "a"))
    batch = buffer.take()
    assert batch is not None and batch.reset
    assert set(batch.upserts) == {("default", "b"), ("default", "c")}
    assert batch.deletes == frozenset()


def test_an_empty_namespace_is_a_reset_with_no_pods() -> None:
    buffer = PodChangeBuffer()
    buffer.replace_all([])
    assert buffer.take() == PodBatch(upserts={}, deletes=frozenset(), reset=True)


def test_slim_pod_drops_managed_fields_and_last_applied_configuration() -> None:
    full = pod("web")
    full["metadata"]["managedFields"] = [{"manager": "kubectl", "fieldsV1": {"f:spec": {}}}]
    full["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": "{...}",
        "team": "payments",
    }
    slim = stored_pod(full).decode()
    assert "managedFields" not in slim["metadata"]
    assert slim["metadata"]["annotations"] == {"team": "payments"}


def test_store_reset_drops_ghost_rows() -> None:
    store = PodStore()
    store.apply(PodBatch(upserts={("default", "a"): kept("a"), ("default", "b"): kept("b")}))
    store.apply(PodBatch(upserts={("default", "b"): kept("b")}, reset=True))
    assert list(store.pods) == [("default", "b")]


operations = st.lists(
    st.one_of(
        st.tuples(st.just("upsert"), st.sampled_from("abcde"), st.integers(0, 9)),
        st.tuples(st.just("delete"), st.sampled_from("abcde"), st.just(0)),
        st.tuples(st.just("reset"), st.sets(st.sampled_from("abcde")), st.integers(0, 9)),
        st.tuples(st.just("flush"), st.just(""), st.just(0)),
    ),
    max_size=40,
)


@given(operations)
def test_batched_store_always_equals_applying_every_change_directly(ops: list) -> None:
    buffer = PodChangeBuffer()
    batched = PodStore()
    truth: dict[tuple[str, str], dict] = {}
    for op, names, version in ops:
        if op == "upsert":
            item = pod(names, phase=str(version))
            truth[("default", names)] = item
            buffer.upsert(stored_pod(item))
        elif op == "delete":
            truth.pop(("default", names), None)
            buffer.delete(("default", names))
        elif op == "reset":
            items = [pod(name, phase=str(version)) for name in sorted(names)]
            truth = {("default", item["metadata"]["name"]): item for item in items}
            buffer.replace_all([stored_pod(item) for item in items])
        else:
            batch = buffer.take()
            if batch is not None:
                batched.apply(batch)
    batch = buffer.take()
    if batch is not None:
        batched.apply(batch)
    assert batched.pods == truth


def test_a_stored_pod_keeps_its_text_as_received_and_decodes_to_the_same_pod() -> None:
    import json

    text = json.dumps(pod("a", phase="Running"), indent=1)
    kept_pod = stored_pod(json.loads(text), text)
    assert kept_pod.raw == text  # the text as received (no second encoding when nothing was dropped)
    assert kept_pod.decode() == pod("a")
    assert (kept_pod.facts.namespace, kept_pod.facts.name, kept_pod.facts.status) == ("default", "a", "Running")


def _pod(name: str, version: str = "1") -> StoredPod:
    return stored_pod({"metadata": {"namespace": "ns", "name": name, "resourceVersion": version}})


def test_merged_batches_apply_as_the_two_in_order() -> None:
    from tui.pods.store import PodBatch, PodStore, merge_batches

    start = {("ns", n): _pod(n) for n in ("a", "b", "c")}
    cases = [
        (PodBatch({("ns", "a"): _pod("a", "2")}, frozenset({("ns", "b")})),
         PodBatch({("ns", "b"): _pod("b", "3")}, frozenset({("ns", "a")}))),
        (PodBatch({("ns", "d"): _pod("d")}), PodBatch({}, frozenset({("ns", "d"), ("ns", "c")}))),
        (PodBatch({("ns", "a"): _pod("a", "5")}, reset=True), PodBatch({("ns", "e"): _pod("e")}, frozenset({("ns", "a")}))),
        (PodBatch({}, frozenset({("ns", "a")})), PodBatch({("ns", "x"): _pod("x")}, reset=True)),
    ]
    for first, then in cases:
        one_by_one, merged = PodStore(dict(start)), PodStore(dict(start))
        one_by_one.apply(first)
        one_by_one.apply(then)
        merged.apply(merge_batches(first, then))
        assert merged.pods == one_by_one.pods, (first, then)
