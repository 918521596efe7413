"""Issue 15's table in one run: Ephemera against kubectl on the same demo cluster, for 1k / 10k / 50k pods.

    python benchmarks/lighter_bench.py                       # 1,000, 10,000 and 50,000 pods (~15 min)
    python benchmarks/lighter_bench.py --pods 1000 --runs 1  # a quick look (~2 min)
    python benchmarks/lighter_bench.py --only echo           # the keystroke echo in a pane alone (~1 min)

For each pod count: the demo cluster with N synthetic pods in its own process (bench_server.py), then,
each in its own 200x50 pseudo-terminal and all read continuously:
  * `kubectl get pods -A` (the default: 500 a page behind client-go's rate limiter) and
    `kubectl get pods -A --chunk-size=0` (one request, unthrottled), spawn to exit, `--runs` times
    interleaved with the app: wall seconds, CPU seconds (user + system) and peak RSS (`wait4`);
  * the real TUI, `ephemera --kubeconfig F -A`, `--runs` times: spawn to its first pod row on the
    screen (as the project's VT engine emulates it; the app's own mark, `$EPHEMERA_BENCH_FIRST_ROWS`
    written after that frame, is printed beside it) and spawn to every row in the table (the
    header's count of pods on the screen reaching N), CPU seconds by then (/proc/PID/stat), and its
    peak RSS once loaded (VmHWM); the app's tree is byte-compiled first, as an install does;
  * with the last app run still up, beside `kubectl get pods -A -w` (and `less -S` on kubectl's
    listing for the keys): bytes written to the terminal per second idle, then while the server
    changes 200 pods a second; `j` to the moved cursor on the emulated screen, idle and while the
    server changes 2,000 pods a second (p95, p50 and the slowest), against `less -S`'s `j`, idle
    and in a storm of its own (the app beside it taking it in);
  * the same in a churn storm (`--churn-rate`, 100 pods a second created next to the pods of
    `--churn-namespace`, load-00, on the app's first screen, and deleted again: a Deployment
    rolling): bytes per second beside `kubectl get pods -A -w`, then `j` in a churn of its own,
    and `less -S`'s `j` in another; afterwards the app's header must count the N pods again.
Once per run, not per pod count: `ephemera --version` / `--help` against `kubectl version --client` /
`--help`, and the keystroke echo in a terminal pane: a key written to the app's terminal until its
echo is on the emulated screen (`ephemera debug POD` opens the TUI on a new debugger's shell),
against `kubectl attach -it` to another debugger of the same pod in its own terminal.
Printed: every figure, the peer's from the same run, the ratio and the load average. Nothing is
asserted; the goals are issue 15's and benchmarks/README.md says which hold.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_bench import PYTHON, ephemera_command, load_average, percentile, proc_kb, read_json_line
from screen_bench import COLS, ROWS, PtyProcess, app_key_latencies, cpu_seconds, less_key_latencies, window
from startup_bench import compile_tree, wall

HERE = Path(__file__).resolve().parent


class Exited(PtyProcess):
    """A command in a pty run to its exit: wall seconds, CPU seconds and peak RSS from `wait4`."""

    def run(self) -> tuple[float, float, int]:
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - self.spawned
        return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def spawn(argv: list[str], env: dict[str, str], *, emulate: bool = False, cls: type[PtyProcess] = PtyProcess) -> Any:
    started = time.perf_counter()
    process = cls(argv, env, emulate=emulate)
    process.spawned = started  # type: ignore[attr-defined]
    return process


def wait_until(predicate: Any, limit: float, step: float = 0.01) -> float:
    """perf_counter when `predicate` first held (nan: not within `limit` seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return time.perf_counter()
        time.sleep(step)
    return float("nan")


def header_counts(app: PtyProcess, total: int) -> bool:
    return any(f"{total} pods" in line for line in app.screen()[:3])


def rows_shown(app: PtyProcess) -> bool:
    """A pod's row is on the screen (the bench server's pods run)."""
    return any("Running" in line for line in app.screen()[3:])


def median(samples: list[float]) -> float:
    good = [s for s in samples if s == s]
    return statistics.median(good) if good else float("nan")


def ratio(ours: float, peer: float) -> str:
    return f"{ours / peer:.2f}x" if peer and peer == peer and ours == ours else "n/a"


def app_run(kubeconfig: str, total: int, env: dict[str, str], tmp: str, index: int) -> tuple[dict[str, float], PtyProcess]:
    marker = Path(tmp) / f"first-rows-{index}"
    run_env = dict(env, EPHEMERA_BENCH_FIRST_ROWS=str(marker))
    app = spawn([*ephemera_command(), "--kubeconfig", kubeconfig, "-A"], run_env, emulate=True)
    spawned_wall = time.time()
    first_rows_at = wait_until(lambda: rows_shown(app), 120, 0.005)  # on the screen, as for all rows
    all_rows_at = wait_until(lambda: header_counts(app, total), 600, 0.005)
    cpu = cpu_seconds(app.proc.pid)
    # the app's own word (written after the frame with its first rows), printed beside the screen's
    claimed = float(marker.read_text()) - spawned_wall if marker.exists() else float("nan")
    app.wait_quiet(2.0, 60)
    result = {"first_rows": first_rows_at - app.spawned, "first_rows_claimed": claimed,  # type: ignore[attr-defined]
              "all_rows": all_rows_at - app.spawned, "cpu": cpu,  # type: ignore[attr-defined]
              "rss_mb": proc_kb(app.proc.pid, "VmHWM") / 1024}
    return result, app


def kubectl_run(kubectl: str, kubeconfig: str, env: dict[str, str], extra: list[str]) -> dict[str, float]:
    process = spawn([kubectl, "--kubeconfig", kubeconfig, "get", "pods", "-A", *extra], env, cls=Exited)
    elapsed, cpu, rss_kb = process.run()
    process.stop()
    return {"all_rows": elapsed, "cpu": cpu, "rss_mb": rss_kb / 1024}


def storm(server: subprocess.Popen[str], rate: int, seconds: float) -> None:
    assert server.stdin is not None
    server.stdin.write(f"storm {rate} {seconds}\n")
    server.stdin.flush()


def churn(server: subprocess.Popen[str], rate: int, seconds: float, namespace: str) -> None:
    assert server.stdin is not None
    server.stdin.write(f"churn {rate} {seconds} {namespace}\n")
    server.stdin.flush()


def stop_server(server: subprocess.Popen[str]) -> None:
    if server.poll() is None and server.stdin is not None:
        try:
            server.stdin.write("quit\n")
            server.stdin.flush()
            server.wait(60)
        except (OSError, subprocess.TimeoutExpired):
            server.kill()
            server.wait()


def one_pod_count(args: argparse.Namespace, pods: int, kubectl: str, less: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"pods": pods, "load": [load_average()]}
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = str(Path(tmp) / "kubeconfig")
        server = subprocess.Popen([PYTHON, str(HERE / "bench_server.py"), "--pods", str(pods), "--kubeconfig-out", kubeconfig],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        started: list[PtyProcess] = []
        try:
            assert server.stdout is not None
            read_json_line(server.stdout, 900, "the demo server")
            env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
            env.pop("NO_COLOR", None)
            listing = subprocess.run([kubectl, "--kubeconfig", kubeconfig, "get", "pods", "-A"], capture_output=True,
                                     text=True, check=False).stdout.splitlines()  # also warms kubectl's discovery cache
            total = len(listing) - 1
            out["total"] = total
            runs: dict[str, list[dict[str, float]]] = {"app": [], "kubectl": [], "kubectl0": []}
            app: PtyProcess | None = None
            for index in range(args.runs):
                runs["kubectl"].append(kubectl_run(kubectl, kubeconfig, env, []))
                runs["kubectl0"].append(kubectl_run(kubectl, kubeconfig, env, ["--chunk-size=0"]))
                if app is not None:
                    app.stop()
                result, app = app_run(kubeconfig, total, env, tmp, index)
                runs["app"].append(result)
                print(f"  {pods} pods, run {index + 1}: app {result}, kubectl {runs['kubectl'][-1]}, "
                      f"--chunk-size=0 {runs['kubectl0'][-1]}", flush=True)
            assert app is not None
            started.append(app)
            out["runs"] = runs
            out["load"].append(load_average())
            # The last app run stays up, with kubectl get -w beside it.
            watch = spawn([kubectl, "--kubeconfig", kubeconfig, "get", "pods", "-A", "-w"], env)
            started.append(watch)
            listed = sum(len(line) + 2 for line in listing) * 0.95  # kubectl -w prints the listing first
            wait_until(lambda: watch.total >= listed, 900, 0.1)
            watch.wait_quiet(2.0, 600)
            app.wait_quiet(2.0, 60)
            pids = {"app": app.proc.pid, "kubectl -w": watch.proc.pid}
            watched = {"app": app, "kubectl -w": watch}
            out["idle"] = window(watched, args.idle_seconds, pids)
            out["keys_idle"] = app_key_latencies(app, args.presses, args.gap)
            if less:
                listing_file = Path(tmp) / "pods.txt"
                listing_file.write_text("\n".join(listing) + "\n")
                pager = spawn([less, "-S", str(listing_file)], env, emulate=True)
                started.append(pager)
                wait_until(lambda: bool(pager.screen()[0].strip()), 30)
                out["keys_less"] = less_key_latencies(pager, listing, args.presses, args.gap)
            app.wait_quiet(1.0, 10)
            storm(server, 200, args.storm_seconds)
            time.sleep(1.0)
            out["storm"] = window(watched, args.storm_seconds - 2, pids)
            read_json_line(server.stdout, args.storm_seconds + 300, "the storm")
            # the churn storm: bytes beside kubectl -w (its events are ADDED and DELETED lines)
            watch.wait_quiet(1.0, 60)
            app.wait_quiet(1.0, 60)
            churn(server, args.churn_rate, args.storm_seconds, args.churn_namespace)
            time.sleep(1.0)
            out["churn"] = window(watched, args.storm_seconds - 2, pids)
            out["churn_server"] = read_json_line(server.stdout, args.storm_seconds + 300, "the churn")
            watch.stop(b"\x03")  # the keys' storm is the app's alone (kubectl would print 2,000 lines a second)
            started.remove(watch)
            app.wait_quiet(1.0, 60)
            storm(server, 2000, args.storm_seconds)
            time.sleep(1.0)
            presses = max(1, int((args.storm_seconds - 2) / (args.gap + 0.02)))
            out["keys_storm"] = app_key_latencies(app, min(args.presses, presses), args.gap)
            read_json_line(server.stdout, args.storm_seconds + 300, "the storm")
            if less:  # the peer's keys while the same storm runs (the app beside it takes it in)
                app.wait_quiet(1.0, 60)
                storm(server, 2000, args.storm_seconds)
                time.sleep(1.0)
                out["keys_less_storm"] = less_key_latencies(pager, listing, min(args.presses, presses), args.gap,
                                                            start=len(out["keys_less"]))
                read_json_line(server.stdout, args.storm_seconds + 300, "the storm")
            app.wait_quiet(1.0, 60)
            churn(server, args.churn_rate, args.storm_seconds, args.churn_namespace)
            time.sleep(1.0)
            out["keys_churn"] = app_key_latencies(app, min(args.presses, presses), args.gap)
            if sum(1 for s in out["keys_churn"] if s != s) > len(out["keys_churn"]) // 2:  # most j unseen: show why
                print("  most j presses did not move the cursor on screen within 5 s; the app's screen:\n    "
                      + "\n    ".join(line.rstrip()[:160] for line in app.screen()), flush=True)
            read_json_line(server.stdout, args.storm_seconds + 300, "the churn")
            if less:
                app.wait_quiet(1.0, 60)
                churn(server, args.churn_rate, args.storm_seconds, args.churn_namespace)
                time.sleep(1.0)
                out["keys_less_churn"] = less_key_latencies(
                    pager, listing, min(args.presses, presses), args.gap,
                    start=len(out["keys_less"]) + len(out.get("keys_less_storm", [])))
                read_json_line(server.stdout, args.storm_seconds + 300, "the churn")
            # every churned pod is gone again: the header counts the N pods (not one more or less)
            settled = wait_until(lambda: header_counts(app, total), 60, 0.05)
            out["churn_settled"] = settled == settled  # nan: not within 60 s
            out["rss_after_storms_mb"] = proc_kb(app.proc.pid, "VmHWM") / 1024
            out["load"].append(load_average())
        finally:
            for process in started:
                process.stop(b"\x03" if process is not started[0] else b"q")
            stop_server(server)
    return out


def commands(kubectl: str, runs: int) -> dict[str, float]:
    env = dict(os.environ)
    ours = ephemera_command()
    table = {"ephemera --version": [*ours, "--version"], "ephemera --help": [*ours, "--help"],
             "kubectl version --client": [kubectl, "version", "--client"], "kubectl --help": [kubectl, "--help"]}
    for command in table.values():
        wall(command, env)
    times: dict[str, list[float]] = {name: [] for name in table}
    for _ in range(runs):
        for name, command in table.items():
            times[name].append(wall(command, env))
    return {name: statistics.median(samples) * 1000 for name, samples in times.items()}


ECHO_PROMPT = re.compile(r"[#$] ")


def echo_latencies(pty: PtyProcess, samples: int) -> list[float]:
    """Type `x` `samples` times at a shell prompt; each timed until the screen shows one more."""
    out: list[float] = []
    for count in range(1, samples + 1):
        pattern = re.compile(r"[#$] " + "x" * count + "(?!x)")  # at the prompt, one more x

        def seen(pattern: re.Pattern[str] = pattern) -> bool:
            assert pty.engine is not None
            return any(pattern.search(line) for line in pty.engine.screen_text())

        out.append(pty.write_and_wait(b"x", seen, timeout=5.0) * 1000)
        time.sleep(0.05)
    pty.write_and_wait(b"\x15", lambda: True)  # Ctrl+U: the typed x's are not run
    return out


def echo_part(kubectl: str, samples: int) -> dict[str, list[float]]:
    """The app's pane (`ephemera debug`) against `kubectl attach -it`, each on its own debugger."""
    result: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = str(Path(tmp) / "kubeconfig")
        server = subprocess.Popen([PYTHON, str(HERE / "bench_server.py"), "--pods", "0", "--kubeconfig-out", kubeconfig],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        started: list[PtyProcess] = []
        try:
            assert server.stdout is not None
            read_json_line(server.stdout, 120, "the demo server")
            env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
            env.pop("NO_COLOR", None)
            subprocess.run([kubectl, "--kubeconfig", kubeconfig, "-n", "default", "debug", "shared-pid-demo",
                            "--image=busybox", "-c", "peer-echo", "-i", "-t", "--attach=false"],
                           capture_output=True, check=True)
            subprocess.run([kubectl, "--kubeconfig", kubeconfig, "-n", "default", "wait", "--for=jsonpath="
                            "{.status.ephemeralContainerStatuses[0].state.running}", "pod/shared-pid-demo",
                            "--timeout=60s"], capture_output=True, check=False)
            peer = spawn([kubectl, "--kubeconfig", kubeconfig, "-n", "default", "attach", "-it", "shared-pid-demo",
                          "-c", "peer-echo"], env, emulate=True)
            started.append(peer)
            wait_until(lambda: peer.total > 0, 30)
            peer.write_and_wait(b"\r", lambda: any(ECHO_PROMPT.search(line) for line in peer.engine.screen_text()), 30)
            result["kubectl attach"] = echo_latencies(peer, samples)
            app = spawn([*ephemera_command(), "debug", "--kubeconfig", kubeconfig, "-n", "default", "shared-pid-demo",
                         "--image", "busybox", "-c", "app-echo", "-y"], env, emulate=True)
            started.append(app)
            wait_until(lambda: any("[Y/n]" in line or ECHO_PROMPT.search(line) for line in app.screen()), 60, 0.05)
            if any("[Y/n]" in line for line in app.screen()):  # reuse peer-echo? no: a debugger of its own
                os.write(app.master, b"n\r")
                wait_until(lambda: any(ECHO_PROMPT.search(line) for line in app.screen()), 60, 0.05)
            app.wait_quiet(1.0, 20)
            result["ephemera pane"] = echo_latencies(app, samples)
        finally:
            for process in reversed(started):  # the app: out of the pane, quit; kubectl: the shell exits
                process.stop(b"\x1dq" if process is not started[0] else b"exit\r")
            stop_server(server)
    return result


def p(samples: list[float], fraction: float) -> float:
    return percentile([s for s in samples if s == s], fraction)


def report(args: argparse.Namespace, results: list[dict[str, Any]], cmds: dict[str, float] | None,
           echo: dict[str, list[float]] | None) -> None:
    print()
    print(f"issue 15's table, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"{COLS}x{ROWS} terminals, medians of {args.runs} run(s) where runs are repeated")
    print("| figure | pods | kubectl, same run | Ephemera | ratio | goal | load (1/5/15 min) |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        pods, runs, load = r["pods"], r["runs"], r["load"][1]
        app = {k: median([run[k] for run in runs["app"]]) for k in runs["app"][0]}
        kd = {k: median([run[k] for run in runs["kubectl"]]) for k in runs["kubectl"][0]}
        k0 = {k: median([run[k] for run in runs["kubectl0"]]) for k in runs["kubectl0"][0]}
        print(f"| all rows in the table | {pods:,} | {kd['all_rows']:.2f} s default, {k0['all_rows']:.2f} s "
              f"`--chunk-size=0` | {app['all_rows']:.2f} s | {ratio(app['all_rows'], k0['all_rows'])} of unthrottled | "
              f"<= unthrottled | {load} |")
        print(f"| first rows on screen | {pods:,} | {kd['all_rows']:.2f} s default, {k0['all_rows']:.2f} s `--chunk-size=0` "
              f"(kubectl prints all at once) | {app['first_rows']:.2f} s "
              f"(the app's own mark {app['first_rows_claimed']:.2f} s) | "
              f"{ratio(app['first_rows'], kd['all_rows'])} of default | <= 0.45 s at 1k | {load} |")
        print(f"| CPU seconds to load | {pods:,} | {kd['cpu']:.2f} default, {k0['cpu']:.2f} unthrottled | "
              f"{app['cpu']:.2f} | {ratio(app['cpu'], k0['cpu'])} | <= 2x | {load} |")
        print(f"| peak RSS once loaded | {pods:,} | {kd['rss_mb']:.0f} / {k0['rss_mb']:.0f} MB | {app['rss_mb']:.0f} MB "
              f"(after the storms {r['rss_after_storms_mb']:.0f}) | {ratio(app['rss_mb'], kd['rss_mb'])} of default | "
              f"<= kubectl | {load} |")
        idle_s, storm_s = args.idle_seconds, args.storm_seconds - 2
        ia, iw = r["idle"]["app"][0] / idle_s, r["idle"]["kubectl -w"][0] / idle_s
        sa, sw = r["storm"]["app"][0] / storm_s, r["storm"]["kubectl -w"][0] / storm_s
        print(f"| bytes/s written idle ({idle_s:.0f} s) | {pods:,} | {iw:,.0f} (`get -w`) | {ia:,.0f} | "
              f"{ratio(ia, iw)} | <= 100 | {r['load'][2]} |")
        print(f"| bytes/s, 200 changes/s | {pods:,} | {sw:,.0f} (`get -w`) | {sa:,.0f} | {ratio(sa, sw)} | <= 5,000 | "
              f"{r['load'][2]} |")
        less_keys, less_storm = r.get("keys_less", []), r.get("keys_less_storm", [])
        print(f"| `j` to screen p95 idle / 2,000 changes/s (p50; max) | {pods:,} | `less`: {p(less_keys, .95):.1f} "
              f"({p(less_keys, .5):.1f}) / {p(less_storm, .95):.1f} ({p(less_storm, .5):.1f}) ms | "
              f"{p(r['keys_idle'], .95):.1f} ({p(r['keys_idle'], .5):.1f}; {p(r['keys_idle'], 1.0):.0f}) / "
              f"{p(r['keys_storm'], .95):.1f} ({p(r['keys_storm'], .5):.1f}; {p(r['keys_storm'], 1.0):.0f}) ms | "
              f"{ratio(p(r['keys_idle'], .95), p(less_keys, .95))} idle, "
              f"{ratio(p(r['keys_storm'], .95), p(less_storm, .95))} storm | <= 20 / 50 ms | {r['load'][2]} |")
        if "churn" in r:
            ca, cw = r["churn"]["app"][0] / storm_s, r["churn"]["kubectl -w"][0] / storm_s
            events = r["churn_server"]["changes"] / r["churn_server"]["elapsed"]  # ADDED + DELETED (+ the kubelet's)
            settled = "" if r.get("churn_settled") else " (the header did not count the pods again!)"
            print(f"| bytes/s, churn {args.churn_rate} pods/s created + deleted ({events:,.0f} events/s) | {pods:,} | "
                  f"{cw:,.0f} (`get -w`) | {ca:,.0f}{settled} | {ratio(ca, cw)} | <= 5,000 | {r['load'][2]} |")
            less_churn = r.get("keys_less_churn", [])
            print(f"| `j` to screen p95 in that churn (p50; max) | {pods:,} | `less`: {p(less_churn, .95):.1f} "
                  f"({p(less_churn, .5):.1f}) ms | {p(r['keys_churn'], .95):.1f} ({p(r['keys_churn'], .5):.1f}; "
                  f"{p(r['keys_churn'], 1.0):.0f}) ms | {ratio(p(r['keys_churn'], .95), p(less_churn, .95))} | "
                  f"<= 50 ms | {r['load'][2]} |")
    if cmds:
        print(f"| `ephemera --version` / `--help` | - | {cmds['kubectl version --client']:.0f} / {cmds['kubectl --help']:.0f} ms | "
              f"{cmds['ephemera --version']:.0f} / {cmds['ephemera --help']:.0f} ms | "
              f"{ratio(cmds['ephemera --version'], cmds['kubectl version --client'])} | <= 80 ms | {load_average()} |")
    if echo:
        ours, peer = echo.get("ephemera pane", []), echo.get("kubectl attach", [])
        print(f"| keystroke echo in a pane, p50 (p95) | - | `kubectl attach`: {p(peer, .5):.1f} ({p(peer, .95):.1f}) ms | "
              f"{p(ours, .5):.1f} ({p(ours, .95):.1f}) ms | {ratio(p(ours, .5), p(peer, .5))} | <= 3 ms | {load_average()} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pods", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3, help="spawn-to-rows runs per pod count (kubectl likewise)")
    parser.add_argument("--idle-seconds", type=float, default=20)
    parser.add_argument("--storm-seconds", type=float, default=8)
    parser.add_argument("--churn-rate", type=int, default=100, help="pods a second created and deleted in the churn")
    parser.add_argument("--churn-namespace", default="load-00",
                        help="the churn's new pods sort among this namespace's (load-00: on the app's first screen)")
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--gap", type=float, default=0.1)
    parser.add_argument("--command-runs", type=int, default=10)
    parser.add_argument("--echo-samples", type=int, default=30)
    parser.add_argument("--skip", nargs="*", default=[], choices=["commands", "echo"])
    parser.add_argument("--only", choices=["echo"], help="only this part: echo is the keystroke echo in a pane "
                        "against kubectl attach (~1 min; no pod counts, no commands)")
    args = parser.parse_args()
    kubectl = shutil.which("kubectl")
    if not kubectl:
        raise SystemExit("benchmark: kubectl is needed for the peer")
    less = shutil.which("less")
    compile_tree(HERE.parent)  # the .pyc an install writes (a tree without them recompiles at each start)
    if args.only == "echo":
        report(args, [], None, echo_part(kubectl, args.echo_samples))
        return 0
    cmds = None if "commands" in args.skip else commands(kubectl, args.command_runs)
    echo = None if "echo" in args.skip else echo_part(kubectl, args.echo_samples)
    results = []
    for pods in args.pods:
        print(f"{pods} pods ...", flush=True)
        results.append(one_pod_count(args, pods, kubectl, less))
    report(args, results, cmds, echo)
    return 0


if __name__ == "__main__":
    threading.stack_size(0)
    sys.exit(main())
