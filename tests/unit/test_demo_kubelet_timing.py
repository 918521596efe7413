"""The demo kubelet's timing pieces without a server: the simulated clock, the container restart
back-off (client-go flowcontrol.Backoff as the kubelet uses it), Go durations, the pod-template-hash
and the rolling update's int-or-percent values."""

from __future__ import annotations

import asyncio

from tui.demo.controllers.common import int_or_percent
from tui.demo.controllers.deployment import equal_ignore_hash, template_hash
from tui.demo.node.clock import SimClock
from tui.demo.node.kubelet import RestartBackOff, finished_phase, go_duration, parse_go_duration


def test_advance_runs_due_timers_in_order_and_leaves_the_rest() -> None:
    async def scenario() -> list[str]:
        clock = SimClock()
        clock.freeze()
        ran: list[str] = []
        clock.call_later(30, lambda: ran.append("30"))
        clock.call_later(10, lambda: (ran.append("10"), clock.call_later(5, lambda: ran.append("10+5"))))
        cancelled = clock.call_later(12, lambda: ran.append("cancelled"))
        cancelled.cancel()
        clock.advance(20)
        assert clock.pending() == 1
        clock.advance(10)
        return ran

    assert asyncio.run(scenario()) == ["10", "10+5", "30"]


def test_a_frozen_clock_moves_only_by_advance() -> None:
    async def scenario() -> tuple[float, float]:
        clock = SimClock()
        clock.freeze()
        before = clock.now()
        await asyncio.sleep(0.01)
        same = clock.now()
        clock.advance(5)
        return same - before, clock.now() - before

    assert asyncio.run(scenario()) == (0.0, 5.0)


def test_restart_back_off_doubles_caps_and_forgets() -> None:
    clock = SimClock()
    clock.freeze()
    backoff = RestartBackOff(clock)
    key = "p_default_uid_main"
    assert not backoff.in_back_off_since(key, clock.now())
    delays = [backoff.next(key, clock.now()) for _ in range(7)]
    assert delays == [10, 20, 40, 80, 160, 300, 300]
    assert backoff.in_back_off_since(key, clock.now())
    clock.advance(299)
    assert backoff.in_back_off_since(key, clock.now() - 299)
    clock.advance(302)  # more than 2 x 5 min since the last restart: forgotten
    assert not backoff.in_back_off_since(key, clock.now())
    assert backoff.next(key, clock.now()) == 10


def test_go_durations() -> None:
    assert [go_duration(s) for s in (10, 80, 160, 300, 3700)] == ["10s", "1m20s", "2m40s", "5m0s", "1h1m40s"]
    assert [parse_go_duration(t) for t in ("10s", "2m40s", "5m0s", "1h0m1s")] == [10, 160, 300, 3601]
    assert parse_go_duration("soon") is None


def test_finished_phase_follows_the_restart_policy() -> None:
    def pod(policy: str, *codes: int | None) -> dict:
        statuses = [{"name": f"c{i}", "state": {"running": {}} if code is None
                     else {"terminated": {"exitCode": code}}} for i, code in enumerate(codes)]
        return {"spec": {"restartPolicy": policy, "containers": [{"name": s["name"]} for s in statuses]},
                "status": {"containerStatuses": statuses}}

    assert finished_phase(pod("Never", 0, 0)) == "Succeeded"
    assert finished_phase(pod("Never", 0, 2)) == "Failed"
    assert finished_phase(pod("Never", 0, None)) is None
    assert finished_phase(pod("OnFailure", 0)) == "Succeeded"
    assert finished_phase(pod("OnFailure", 1)) is None  # it restarts
    assert finished_phase(pod("Always", 0)) is None


def test_template_hash_and_equality_ignore_the_hash_label() -> None:
    template = {"metadata": {"labels": {"app": "slim"}}, "spec": {"containers": [{"name": "app"}]}}
    labelled = {"metadata": {"labels": {"app": "slim", "pod-template-hash": "x"}},
                "spec": {"containers": [{"name": "app"}]}}
    assert equal_ignore_hash(template, labelled)
    assert not equal_ignore_hash(template, {**labelled, "spec": {"containers": [{"name": "other"}]}})
    first = template_hash(template)
    assert first == template_hash(template) and set(first) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert template_hash(template, 1) != first


def test_max_surge_rounds_up_max_unavailable_down() -> None:
    assert int_or_percent("25%", 1, True) == 1 and int_or_percent("25%", 1, False) == 0
    assert int_or_percent("25%", 10, True) == 3 and int_or_percent("25%", 10, False) == 2
    assert int_or_percent(2, 10, True) == 2
