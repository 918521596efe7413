"""`ephemera demo-cluster`: run only the demo API server until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from tui.commands import Subcommand
from tui.display_text import visible_line


def is_loopback(host: str) -> bool:
    if host in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def port_number(text: str) -> int:
    """argparse type of --port: a TCP port, 0..65535 (0: the system picks a free one)."""
    try:
        port = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0..65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0..65535; 0 picks a free one)")
    return port


def listen_problem(exc: OSError) -> str:
    """One line for a failed bind, e.g. the port is taken or needs privileges."""
    if exc.errno == errno.EADDRINUSE:
        return "the port is already in use (pick another with --port, or --port 0 for a free one)"
    if exc.errno == errno.EACCES:
        return "permission denied (ports below 1024 need privileges: pick another with --port)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return "the address is not one of this machine's (check --host)"
    if isinstance(exc, socket.gaierror):
        return "the host name does not resolve (check --host)"
    return " ".join(str(exc.strerror or exc).split())


MAX_PODS = 100_000  # --pods: ten times the benchmarks' 10,000; each pod is kept in memory


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    from tui.commands.arguments import integer_between

    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    parser.add_argument("--port", type=port_number, default=0,
                        help="port to bind, 0..65535; 0 picks a free one (default: %(default)s)")
    parser.add_argument("--kubeconfig-out", metavar="PATH", type=Path, default=None,
                        help="write the kubeconfig here (mode 0600, kept at exit); default: a temp file removed at exit")
    parser.add_argument("--pods", metavar="N", type=integer_between(0, MAX_PODS, "a number of pods"), default=0,
                        help=f"add N synthetic pods spread over 50 namespaces (scale tests; at most {MAX_PODS})")


def _run(args: argparse.Namespace) -> int:
    from tui.demo.cluster import DemoCluster

    if not is_loopback(args.host):
        print(f"warning: binding {visible_line(args.host)} exposes the demo API server to your network "
              "(anyone with the kubeconfig's token can use it)", file=sys.stderr)

    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    tmpdir: tempfile.TemporaryDirectory[str] | None = None
    cluster = DemoCluster(host=args.host, port=args.port, extra_pods=args.pods)
    try:
        try:
            cluster.start()
        except OSError as exc:
            print(f"ephemera demo-cluster: cannot listen on {visible_line(args.host)}:{args.port}: "
                  f"{visible_line(listen_problem(exc))}",
                  file=sys.stderr)
            return 1
        if args.kubeconfig_out is not None:
            path = cluster.write_kubeconfig(args.kubeconfig_out.expanduser())
        else:
            tmpdir = tempfile.TemporaryDirectory(prefix="ephemera-demo-")
            path = cluster.write_kubeconfig(Path(tmpdir.name) / "kubeconfig")
        path = Path(path).resolve()
        print(f"demo cluster listening on {cluster.url}")
        print(f"kubeconfig: {path}")
        print(f"  export KUBECONFIG={path}")
        print(f"  kubectl --kubeconfig {path} get pods -A")
        print(f"  ephemera --kubeconfig {path}")
        print("press Ctrl-C to stop", flush=True)
        while not stop.wait(0.5):
            pass
        print("demo cluster stopped", flush=True)
        return 0
    finally:
        cluster.stop()
        if tmpdir is not None:
            tmpdir.cleanup()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


COMMAND = Subcommand(
    name="demo-cluster",
    help="run only the demo Kubernetes API server (for kubectl and scripts)",
    description=(
        "Run the embedded demo cluster: a real HTTP + WebSocket server speaking the Kubernetes API, "
        "with a simulated kubelet and container shells. It prints its address and a kubeconfig that "
        "kubectl and the official clients use unchanged, and serves until SIGINT/SIGTERM."
    ),
    examples=[
        "ephemera demo-cluster --kubeconfig-out ./demo.kubeconfig",
        "kubectl --kubeconfig ./demo.kubeconfig get pods -A",
        "ephemera demo-cluster --port 6443 --pods 10000",
    ],
    add_arguments=_add_arguments,
    run=_run,
    order=10,
)
