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
`--app-tree DIR` runs the app from another source tree (PYTHONPATH=DIR: a `git worktree` of an
earlier commit), so "before" is measured in the same conditions. The load average is printed
before and after: other processes share the machine. Printed figures only, nothing asserts on time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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
    parser.add_argument("--app-tree", type=Path, default=None, help="run the app from this source tree")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.app_tree:
        env["PYTHONPATH"] = str(args.app_tree.resolve())
    kubectl = shutil.which("kubectl")
    tree = args.app_tree or HERE.parent
    print(f"start-up benchmark {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, app from {tree}, "
          f"{os.cpu_count()} CPUs, load {load_average()}, Python {sys.version.split()[0]}")
    if args.runs:
        commands_part(args, env, kubectl)
    if args.pod_runs:
        first_rows_part(args, env, kubectl)
    print(f"\nload at the end {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
