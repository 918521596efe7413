"""`ephemera demo-cluster`: run only the demo API server until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from tui.commands import Subcommand


def is_loopback(host: str) -> bool:
    if host in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default: %(default)s)")
    parser.add_argument("--kubeconfig-out", metavar="PATH", type=Path, default=None,
                        help="write the kubeconfig here (mode 0600, kept at exit); default: a temp file removed at exit")
    parser.add_argument("--pods", metavar="N", type=int, default=0,
                        help="add N synthetic pods spread over 50 namespaces (scale tests)")


def _run(args: argparse.Namespace) -> int:
    from tui.demo.cluster import DemoCluster

    if args.pods < 0:
        print("ephemera demo-cluster: --pods must be >= 0", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(f"warning: binding {args.host} exposes the demo API server to your network "
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
            print(f"ephemera demo-cluster: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
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
