"""A silent network (VPN down, laptop asleep: packets dropped, no reset) under the pod watch.

The demo sends BOOKMARKs as the API server's watch cache does (every `bookmark_frequency`, one
minute by default, and one when a timeoutSeconds ends the watch), and `faults.silence_watches()`
keeps the watch sockets open with nothing on them. The watch takes `silence_timeout` seconds
without an event or a bookmark for a dead connection: the header says "no news for N s", the
watch starts again from the last resourceVersion, and a pod deleted meanwhile goes once the
network is back. Thresholds are shortened here; every wait is on a condition."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator

import pytest
import urllib3

from helpers.browser import make_app, row_names, wait_for
from helpers.demo_http import Raw
from helpers.pod_watch import connect, start_watcher, wait_in_sync
from tui.demo.api.store import DEFAULT_BOOKMARK_FREQUENCY
from tui.demo.cluster import DemoCluster
from tui.kube import pod_watch
from tui.kube.pod_watch import PodWatcher

VICTIM = ("default", "nonroot-app")
SILENCE = 1.5  # seconds without news that make the watch stale (75 s by default)
BOOKMARKS = 0.2  # the demo's bookmark period here (60 s by default)
TIMEOUT = 20.0  # generous bounds: these are deadlines, not expected durations


def _current_rv(raw: Raw) -> int:
    _, body = raw.json("GET", "/api/v1/namespaces/default/pods")
    return int(body["metadata"]["resourceVersion"])


def _seconds(reason: str) -> int:
    match = re.fullmatch(r"no news for (\d+) s", reason)
    assert match, reason
    return int(match.group(1))


@pytest.fixture()
def resumed(demo_cluster: DemoCluster) -> Iterator[DemoCluster]:
    """The demo cluster, its network given back whatever the test did (hung handlers end)."""
    demo_cluster.bookmark_frequency = BOOKMARKS
    try:
        yield demo_cluster
    finally:
        demo_cluster.faults.resume_watches()


# ---- the demo API server ------------------------------------------------------------------
def test_defaults_a_quiet_cluster_never_looks_stale(shared_cluster: DemoCluster) -> None:
    connection = connect(shared_cluster)
    try:
        watcher = PodWatcher(connection, None, on_batch=lambda b: None, on_status=lambda s: None)
        assert 60 <= watcher.silence_timeout <= 90
        # the demo, like kube-apiserver (defaultBookmarkFrequency = 1 min), sends a bookmark
        # well within it: a quiet namespace is not taken for a dead connection
        assert DEFAULT_BOOKMARK_FREQUENCY == 60
        assert DemoCluster().bookmark_frequency == DEFAULT_BOOKMARK_FREQUENCY
        assert DEFAULT_BOOKMARK_FREQUENCY < watcher.silence_timeout
    finally:
        connection.close()


def test_bookmarks_come_periodically_and_once_more_when_the_timeout_ends_the_watch(
        resumed: DemoCluster) -> None:
    raw = Raw(resumed)
    start = _current_rv(raw)
    stream = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={start}&allowWatchBookmarks=true"
                        f"&timeoutSeconds=2")
    events = stream.events_until(lambda e: False)  # until the server ends the watch
    assert events, "the watch ended without a bookmark"
    assert {e["type"] for e in events} <= {"BOOKMARK", "MODIFIED", "ADDED", "DELETED"}
    bookmarks = [e for e in events if e["type"] == "BOOKMARK"]
    assert len(bookmarks) >= 2  # periodic ones (every 0.2 s) and the last one
    assert events[-1]["type"] == "BOOKMARK"  # the watch ends with one: resume from there
    assert int(events[-1]["object"]["metadata"]["resourceVersion"]) == _current_rv(raw)


def test_no_bookmarks_unless_the_client_asks(resumed: DemoCluster) -> None:
    # kubectl get -w does not ask for them, and must never see one
    raw = Raw(resumed)
    stream = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={_current_rv(raw)}&timeoutSeconds=1")
    events = stream.events_until(lambda e: False)
    assert all(e["type"] != "BOOKMARK" for e in events)


def test_a_silenced_watch_holds_back_events_and_bookmarks_until_resumed(resumed: DemoCluster) -> None:
    raw = Raw(resumed)
    stream = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={_current_rv(raw)}&allowWatchBookmarks=true",
                        timeout=30)
    assert stream.next_event()["type"] == "BOOKMARK"  # flowing
    arrivals: list[dict] = []  # in the order they came

    def read() -> None:
        while (event := stream.next_event()) is not None:
            arrivals.append(event)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    resumed.faults.silence_watches()
    before = _current_rv(raw)  # a list is still answered (without hang_lists)
    resumed.faults.delete_pod(*VICTIM)
    # a new watch gets no answer; meanwhile the open one would have brought the deletion and
    # the bookmarks due every 0.2 s
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        raw.request("GET", "/api/v1/pods?watch=1&allowWatchBookmarks=true", timeout=1.0)
    came_before_resume = len(arrivals)  # what had arrived when the silence ended
    resumed.faults.resume_watches()
    deadline = time.monotonic() + TIMEOUT
    while not any(e["type"] == "DELETED" for e in list(arrivals)):
        assert time.monotonic() < deadline, f"the held-back DELETED never came: {arrivals}"
        time.sleep(0.02)
    resumed.faults.drop_watches()
    reader.join(TIMEOUT)
    stream.close()
    deleted = next(index for index, e in enumerate(arrivals) if e["type"] == "DELETED")
    assert deleted >= came_before_resume
    # nothing written after the silence began came before the end of it
    early = [e for e in arrivals[:came_before_resume] if int(e["object"]["metadata"]["resourceVersion"]) > before]
    assert not early


# ---- the pod watch ------------------------------------------------------------------------
def test_bookmarks_advance_the_resource_version_without_batches(resumed: DemoCluster) -> None:
    connection = connect(resumed)
    # an empty namespace: nothing to send but bookmarks, whose resourceVersion follows the
    # changes made elsewhere
    watcher, recorder = start_watcher(connection, "no-such-namespace-here", silence_timeout=SILENCE,
                                      watch_timeout=30)
    try:
        recorder.wait_for(lambda: recorder.state == "live" and bool(recorder.batches), what="live")
        began = time.monotonic()
        raw = Raw(resumed)
        # quiet for several silence timeouts, yet never stale: the bookmarks are news
        while time.monotonic() - began < 2.5 * SILENCE:
            resumed.faults.touch_pods(count=1)  # in another namespace
            target = _current_rv(raw)
            recorder.wait_for(lambda target=target: int(watcher.resource_version or 0) >= target,
                              what=f"a bookmark with resourceVersion {target}")
        assert len(recorder.batches) == 1 and recorder.batches[0].reset and not recorder.batches[0].upserts
        assert [s.state for s in recorder.statuses] == ["connecting", "live"]
        assert watcher.relists == 1
    finally:
        watcher.stop()
        connection.close()


def test_silence_is_stale_then_the_rewatch_drops_the_pod_deleted_meanwhile(resumed: DemoCluster) -> None:
    connection = connect(resumed)
    watcher, recorder = start_watcher(connection, silence_timeout=SILENCE, watch_timeout=30)
    try:
        recorder.wait_for(lambda: recorder.state == "live" and VICTIM in recorder.store.pods, what="live")
        seen = len(recorder.statuses)
        resumed.faults.silence_watches(hang_lists=True)  # a blackhole: the re-watch hangs too
        resumed.faults.delete_pod(*VICTIM)  # its DELETED event is swallowed by the silence
        recorder.wait_for(lambda: recorder.state == "stale", timeout=TIMEOUT, what="stale")
        stale = recorder.statuses[-1]
        assert _seconds(stale.reason) >= SILENCE - 0.5
        # the count goes on while the new watch request hangs; the pod is still shown
        recorder.wait_for(lambda: recorder.state == "stale" and _seconds(recorder.statuses[-1].reason)
                          >= _seconds(stale.reason) + 1, timeout=TIMEOUT, what="no news for one more second")
        assert VICTIM in recorder.store.pods
        assert all(s.state != "failed" for s in recorder.statuses[seen:])  # not taken for an error
        # back, but the connections open during the silence are dead (a VPN with new addresses):
        # only a watch that gave up on them and asked again sees the deletion
        resumed.faults.resume_watches(lost=True)
        recorder.wait_for(lambda: VICTIM not in recorder.store.pods and recorder.state == "live",
                          timeout=TIMEOUT, what="the deleted pod gone, live again")
        assert watcher.relists == 1  # re-watched from the last resourceVersion: no relist
        wait_in_sync(recorder, connection)
    finally:
        watcher.stop()
        connection.close()


def test_a_peer_sending_bytes_but_no_news_is_abandoned_and_watched_again(resumed: DemoCluster) -> None:
    """Bytes without a newline (no event, no bookmark) keep the socket's read timeout from firing:
    the watchdog abandons the socket itself, and a new watch starts while the peer still trickles."""
    connection = connect(resumed)
    watcher, recorder = start_watcher(connection, silence_timeout=SILENCE, watch_timeout=30)
    try:
        recorder.wait_for(lambda: recorder.state == "live" and VICTIM in recorder.store.pods, what="live")
        recorder.wait_for(lambda: watcher.watch_requests == 1 and watcher.reading, what="the watch answered")
        seen = len(recorder.statuses)
        resumed.faults.silence_watches(trickle=0.2)  # a space every 0.2 s, far below SILENCE
        resumed.faults.delete_pod(*VICTIM)  # its DELETED event is held back: the stream trickles
        recorder.wait_for(lambda: recorder.state == "stale", timeout=TIMEOUT, what="stale")
        recorder.wait_for(lambda: watcher.watch_requests >= 2, timeout=TIMEOUT,
                          what="a re-watch while the peer still sends bytes")
        # abandoned as silence (stale), not after some later transport error (reconnecting)
        assert {s.state for s in recorder.statuses[seen:]} == {"stale"}, recorder.statuses[seen:]
        resumed.faults.resume_watches(lost=True)  # the trickling connection is dead for good
        recorder.wait_for(lambda: VICTIM not in recorder.store.pods and recorder.state == "live",
                          timeout=TIMEOUT, what="the deleted pod gone, live again")
        assert watcher.relists == 1
        wait_in_sync(recorder, connection)
    finally:
        watcher.stop()
        connection.close()


# ---- the app ------------------------------------------------------------------------------
def test_header_says_no_news_then_live_again_without_the_deleted_row(
        resumed: DemoCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pod_watch, "SILENCE_TIMEOUT", SILENCE)

    async def run() -> None:
        app = make_app(resumed.kubeconfig_path)
        async with app.run_test(size=(120, 40)) as pilot:
            header = app.browser.header  # type: ignore[attr-defined]
            await wait_for(pilot, lambda: header.state == "live" and VICTIM[1] in row_names(app),
                           timeout=TIMEOUT, what="live with the pod row")
            resumed.faults.silence_watches(hang_lists=True)
            resumed.faults.delete_pod(*VICTIM)
            await wait_for(pilot, lambda: "⚠ no news for" in str(header.render()), timeout=TIMEOUT,
                           what="the no-news warning")
            line = str(header.render()).splitlines()[1]
            assert re.search(r"⚠ no news for \d+ s, re-watching", line), line
            assert VICTIM[1] in row_names(app)  # still shown: the header says it may be out of date
            resumed.faults.resume_watches(lost=True)  # the old connections stay dead
            await wait_for(pilot, lambda: header.state == "live" and VICTIM[1] not in row_names(app),
                           timeout=TIMEOUT, what="live again without the deleted pod")
            assert "● live" in str(header.render())
            await pilot.press("q")

    asyncio.run(run())
