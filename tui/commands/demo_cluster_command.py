"""`ephemera demo-cluster`: its name, help and arguments; running the demo API server until
SIGINT/SIGTERM is `tui.commands.demo_cluster_run`."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.commands import Subcommand, lazy_run
from tui.commands.arguments import integer_between


def port_number(text: str) -> int:
    """argparse type of --port: a TCP port, 0..65535 (0: the system picks a free one)."""
    try:
        port = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0..65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0..65535; 0 picks a free one)")
    return port


MAX_PODS = 100_000  # --pods: ten times the benchmarks' 10,000; each pod is kept in memory


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    parser.add_argument("--port", type=port_number, default=0,
                        help="port to bind, 0..65535; 0 picks a free one (default: %(default)s)")
    parser.add_argument("--kubeconfig-out", metavar="PATH", type=Path, default=None,
                        help="write the kubeconfig here (mode 0600, kept at exit); default: a temp file removed at exit")
    parser.add_argument("--pods", metavar="N", type=integer_between(0, MAX_PODS, "a number of pods"), default=0,
                        help=f"add N synthetic pods spread over 50 namespaces (scale tests; at most {MAX_PODS})")


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
    add_arguments=add_arguments,
    run=lazy_run("tui.commands.demo_cluster_run"),
    order=10,
)
