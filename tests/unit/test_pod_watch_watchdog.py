"""The pod watch's silence watchdog (PodWatcher._check_news, the flush thread) abandons only a watch
answer that itself brought no news for SILENCE_TIMEOUT + ABANDON_GRACE: never a list page (the
relist after a silence and a 410: the time since the last news is the silence before it), nor a
watch answered a moment ago. A fake clock and a fake answer, no thread, no network."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tui.kube import pod_watch
from tui.kube.pod_watch import ABANDON_GRACE, PodWatcher, WatchStatus

SILENCE = 10.0


class _Answer:
    def __init__(self) -> None:
        self.aborted = False

    def abort(self) -> None:
        self.aborted = True

    def release(self) -> None:
        pass


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture()
def setup(monkeypatch: pytest.MonkeyPatch) -> tuple[PodWatcher, _Clock, list[_Answer], list[WatchStatus]]:
    clock = _Clock()
    answers: list[_Answer] = []

    def open_response(*_args: Any, **_kwargs: Any) -> _Answer:
        answers.append(_Answer())
        return answers[-1]

    monkeypatch.setattr(pod_watch, "time", SimpleNamespace(monotonic=clock.monotonic))
    monkeypatch.setattr(pod_watch, "open_response", open_response)
    statuses: list[WatchStatus] = []
    connection = SimpleNamespace(server="https://x", context="c", api_client=None, new_api_client=lambda: None)
    watcher = PodWatcher(connection, None, on_batch=lambda batch: None, on_status=statuses.append,  # type: ignore[arg-type]
                         silence_timeout=SILENCE)
    watcher._api = object()  # type: ignore[assignment]  # never used: open_response is the fake's
    return watcher, clock, answers, statuses


def test_a_list_page_after_a_silence_is_not_abandoned(setup: tuple[PodWatcher, _Clock, list[_Answer],
                                                                   list[WatchStatus]]) -> None:
    watcher, clock, answers, statuses = setup
    watcher._set_status("live")
    watcher._last_news = clock.now - 5 * SILENCE  # the silence that ended the last watch (then a 410)
    watcher._request([("limit", "500")], 5.0)  # the relist's first page, being read
    watcher._check_news()
    assert statuses[-1].state == "stale"  # the header still counts the silence
    assert not answers[-1].aborted  # but the page is read to its end
    clock.now += 10 * SILENCE  # however long it takes: the read timeout is the page's own
    watcher._check_news()
    assert not answers[-1].aborted


def test_a_watch_answered_a_moment_ago_is_not_abandoned_for_the_silence_before_it(
        setup: tuple[PodWatcher, _Clock, list[_Answer], list[WatchStatus]]) -> None:
    watcher, clock, answers, _ = setup
    watcher._set_status("live")
    watcher._last_news = clock.now - 5 * SILENCE
    # the watch answered; the watchdog runs before the reader notes the answer as news
    watcher._request([("watch", "true")], 5.0, watch=True)
    watcher._check_news()
    assert not answers[-1].aborted
    # that answer quiet for the silence timeout and the grace itself: abandoned
    clock.now += SILENCE + ABANDON_GRACE
    watcher._check_news()
    assert answers[-1].aborted
