"""Start-up benchmark (issue 15): `ephemera --version` / `--help` against `kubectl version --client`,
and the first rows of N pods against `kubectl get pods -A`, in one run.

    python benchmarks/startup_bench.py [--runs 20] [--pods 1000] [--pod-runs 5] [--app-tree DIR]

(a) the commands, each run --runs times, interleaved (one of each, then again), wall time from spawn
    to exit: medians (and the 90th percentile) with the ratio to kubectl's, and how many modules
    each of ours imports (`python -X importtime`) with the largest ones;
(b) the demo cluster with --pods extra pods in its own process (benchmarks/bench_server.py), then
    `ephemera --kubeconfig F -A` in a real pseudo-terminal (160x50) from spawn to the first rows
    painted (the app writes the time to $EPHEMERA_BENCH_FIRST_ROWS), interleaved with
    `kubectl get pods -A` on the same server (discovery cache warmed once first), medians.
(c) with --py-spy: one more start of the app under `py-spy record` (on PyPI; CPU samples of every
    thread, 250 a second) until the first rows, and where the main thread's samples went: the import
    of each third-party package (by the package our code imported), our own modules' code, Textual's
    run (start-up, CSS, compose, first frames) and the rest.
`--app-tree DIR` runs the app from another source tree (PYTHONPATH=DIR: a `git worktree` of an
earlier commit), so "before" is measured in the same conditions. The tree is byte-compiled first
(`compile_tree`): an installed copy has its .pyc files, and with PYTHONDONTWRITEBYTECODE set (as in
some shells here) every module edited since its .pyc was written is compiled again at each start
(~0.3 s for a fresh tree, where the app imports ~100 of its own modules). The load average is printed
before and after: other processes share the machine. Printed figures only, nothing asserts on time.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections import Counter
from pathlib import Path

from browser_bench import (
    PYTHON,
    ephemera_command,
    load_average,
    percentile,
    read_json_line,
    run_app_in_pty,
    time_kubectl,
)

HERE = Path(__file__).resolve().parent


def compile_tree(tree: Path) -> None:
    """Write the .pyc of every module of the app's tree (`tui`, `widgets`), as an install does."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(tree / "tui"), str(tree / "widgets")],
                   stdout=subprocess.DEVNULL, check=False)


def wall(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - started


def import_profile(argv: list[str], env: dict[str, str]) -> tuple[int, int, list[tuple[int, str]]]:
    """`python -X importtime -m tui ARGV`: modules imported, their total microseconds, the largest
    top-level ones (cumulative)."""
    result = subprocess.run([PYTHON, "-X", "importtime", "-m", "tui", *argv], capture_output=True, text=True,
                            env=env, check=False, cwd="/")  # not the current directory's tree (-m puts it first)
    modules = total = 0
    top: list[tuple[int, str]] = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative, name = line.removeprefix("import time:").split("|")
        modules += 1
        total += int(self_us)
        if not name[1:].startswith(" "):  # a top-level import: "| name", not "|   name"
            top.append((int(cumulative), name.strip()))
    return modules, total, sorted(top, reverse=True)[:6]


def commands_part(args: argparse.Namespace, env: dict[str, str], kubectl: str | None) -> None:
    ours = ephemera_command()
    commands: dict[str, list[str]] = {"ephemera --version": [*ours, "--version"], "ephemera --help": [*ours, "--help"]}
    if kubectl:
        commands["kubectl version --client"] = [kubectl, "version", "--client"]
        commands["kubectl --help"] = [kubectl, "--help"]
    for command in commands.values():  # warm the page cache and the bytecode once
        wall(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(wall(command, env))
    peer = statistics.median(times["kubectl version --client"]) if kubectl else float("nan")
    print(f"\n(a) commands, {args.runs} interleaved runs each (wall, spawn to exit), load {load_average()}")
    print(f"{'command':28} {'median':>9} {'p90':>9} {'ratio to kubectl version --client':>36}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:28} {median * 1000:7.1f} ms {percentile(samples, 0.9) * 1000:6.1f} ms {median / peer:35.2f}x")
    for argv in (["--version"], ["--help"]):
        modules, total, top = import_profile(argv, env)
        largest = ", ".join(f"{name} {us / 1000:.1f}" for us, name in top)
        print(f"python -X importtime -m tui {argv[0]}: {modules} modules, {total / 1000:.1f} ms of imports "
              f"(largest, cumulative ms: {largest})")


def _category(frames: list[str]) -> str:
    """What one main-thread sample of `py-spy record -f raw` was doing (frames: root first)."""
    modules = [m.group(1).split("/")[0].removesuffix(".py") for f in frames
               if (m := re.match(r"<module> \(([^:<]+):\d+\)", f))]
    outside = [m for m in modules if m not in ("tui", "widgets", "ephemera")]
    if outside:
        return f"import {outside[0]} (and what it imports)"
    if len(modules) > 1:
        return "import: our modules' own code"
    if any("App.run" in f or "_process_messages" in f for f in frames):
        ours = [f for f in frames if f.split(" (")[-1].startswith(("tui/", "widgets/"))
                and not f.split(" (")[-1].startswith(("tui/cli.py", "tui/commands/", "tui/app.py:"))]
        return "Textual running: our code (rows, table, screen)" if ours else "Textual running: Textual's code"
    return "before the first Python frame / other" if len(frames) < 2 else f"other: {frames[-1][:50]}"


def py_spy_part(args: argparse.Namespace, kubeconfig: str, env: dict[str, str]) -> None:
    py_spy = shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy")
    if not Path(py_spy).exists():
        print("\n(c) py-spy not found (pip install py-spy): no profile")
        return
    with tempfile.TemporaryDirectory() as tmp:
        raw, marker = Path(tmp) / "raw.txt", Path(tmp) / "first-rows"
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
        run_env = dict(env, TERM="xterm-256color", EPHEMERA_BENCH_FIRST_ROWS=str(marker), COLUMNS="160", LINES="50")
        proc = subprocess.Popen([py_spy, "record", "-r", "250", "--threads", "-f", "raw", "-o", str(raw), "--",
                                 PYTHON, *ephemera_command()[-1:], "--kubeconfig", kubeconfig, "-A"],
                                stdin=slave, stdout=slave, stderr=slave, env=run_env, start_new_session=True)
        os.close(slave)

        def drain() -> None:
            try:
                while os.read(master, 65536):
                    pass
            except OSError:
                pass

        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and not (marker.exists() and marker.read_text()):
            time.sleep(0.005)
        os.write(master, b"q")  # quit at once: the profile ends with the first rows
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
        os.close(master)
        lines = raw.read_text().splitlines() if raw.exists() else []
    main: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for line in lines:
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if "MainThread" in frames[0] or re.fullmatch(r"thread \(\d+\)", frames[0]):
            main[_category(frames)] += int(count)
        else:
            others[frames[0].split(":")[-1].strip()] += int(count)
    total = sum(main.values()) or 1
    print(f"\n(c) py-spy, one start to the first rows: {total} main-thread CPU samples (250/s), load {load_average()}")
    for what, count in main.most_common(12):
        print(f"  {100 * count / total:5.1f}%  {what}")
    print("  other threads (samples): " + ", ".join(f"{name} {count}" for name, count in others.most_common(5)))


def first_rows_part(args: argparse.Namespace, env: dict[str, str], kubectl: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = str(Path(tmp) / "kubeconfig")
        server = subprocess.Popen(
            [PYTHON, str(HERE / "bench_server.py"), "--pods", str(args.pods), "--kubeconfig-out", kubeconfig],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        try:
            assert server.stdout is not None and server.stdin is not None
            read_json_line(server.stdout, 120, "the demo server")
            if kubectl:
                time_kubectl(kubectl, kubeconfig, 1)  # warm the discovery cache, as a user's would be
            app: list[float] = []
            peer: list[float] = []
            saved = dict(os.environ)
            for _ in range(args.pod_runs):
                if kubectl:
                    peer.extend(time_kubectl(kubectl, kubeconfig, 1)[0])
                os.environ.clear()
                os.environ.update(env)  # run_app_in_pty takes the environment (PYTHONPATH) from os.environ
                try:
                    app.append(run_app_in_pty(kubeconfig, args.pods, settle=0.3)[0])
                finally:
                    os.environ.clear()
                    os.environ.update(saved)
            if args.py_spy:
                py_spy_part(args, kubeconfig, env)
            server.stdin.write("quit\n")
            server.stdin.flush()
            server.wait(30)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    total = args.pods + 15
    print(f"\n(b) first rows of {total} pods (-A, 160x50 pty), {args.pod_runs} interleaved runs, load {load_average()}")
    print(f"ephemera: median {statistics.median(app):.3f} s (runs {', '.join(f'{t:.3f}' for t in app)})")
    if peer:
        median = statistics.median(peer)
        print(f"kubectl get pods -A: median {median:.3f} s (runs {', '.join(f'{t:.3f}' for t in peer)}); "
              f"ratio {statistics.median(app) / median:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (part a)")
    parser.add_argument("--pods", type=int, default=1000, help="extra pods of the demo cluster (part b)")
    parser.add_argument("--pod-runs", type=int, default=5, help="runs of the app and kubectl (part b; 0: skip)")
    parser.add_argument("--py-spy", action="store_true", help="(c): profile one start with py-spy (part b's server)")
    parser.add_argument("--app-tree", type=Path, default=None, help="run the app from this source tree")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.app_tree:
        env["PYTHONPATH"] = str(args.app_tree.resolve())
    kubectl = shutil.which("kubectl")
    tree = args.app_tree or HERE.parent
    compile_tree(tree)
    print(f"start-up benchmark {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, app from {tree}, "
          f"{os.cpu_count()} CPUs, load {load_average()}, Python {sys.version.split()[0]}")
    if args.runs:
        commands_part(args, env, kubectl)
    if args.pod_runs or args.py_spy:
        first_rows_part(args, env, kubectl)
    print(f"\nload at the end {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
