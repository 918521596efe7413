"""The demo's busybox `top`: `-d` sets the delay between frames (so a test can hold frame 0), a
resize redraws the same frame, `-n` stops, and a bad delay is refused as busybox does."""

from __future__ import annotations

from helpers.demo_runtime import interactive, pod_runtime, run, wait_for

CPU_LINE_FRAME_0 = "CPU:   1% usr"  # frame n shows (n % 3) + 1 % usr


async def test_delay_holds_the_first_frame_and_a_resize_redraws_it() -> None:
    runtime, pod = await pod_runtime()
    session, sink = await interactive(runtime, pod, "debugger", cols=100, rows=12)
    session.io.feed(b"top -d 3600\r")
    await wait_for(lambda: "PID  PPID USER" in sink.out)
    assert CPU_LINE_FRAME_0 in sink.out
    mark = len(sink.out)
    session.io.resize(80, 10)
    await wait_for(lambda: "Load average" in sink.out[mark:])
    assert CPU_LINE_FRAME_0 in sink.out[mark:]  # the same frame at the new size
    session.io.feed(b"q")
    await wait_for(lambda: sink.out.endswith("/ # "))


async def test_short_delay_refreshes_the_full_screen_sooner() -> None:
    runtime, pod = await pod_runtime()
    session, sink = await interactive(runtime, pod, "debugger", cols=100, rows=12)
    session.io.feed(b"top -d 0.05\r")
    await wait_for(lambda: "CPU:   3% usr" in sink.out, timeout=1.5)  # frame 2 (the default delay: at 2 s)
    session.io.feed(b"q")
    await wait_for(lambda: sink.out.endswith("/ # "))


async def test_short_delay_and_count_in_batch_mode() -> None:
    runtime, pod = await pod_runtime()
    code, sink = await run(runtime, pod, "debugger", ["top", "-b", "-n", "3", "-d", "0.05"])
    out = sink.channels[1].decode()
    assert code == 0 and out.count("Load average") == 3
    assert "CPU:   1% usr" in out and "CPU:   2% usr" in out and "CPU:   3% usr" in out


async def test_invalid_delay_is_refused() -> None:
    runtime, pod = await pod_runtime()
    code, sink = await run(runtime, pod, "debugger", ["top", "-d", "soon"])
    assert code == 1
    assert "top: invalid number 'soon'" in sink.channels[2].decode()
