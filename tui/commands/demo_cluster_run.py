"""What `ephemera demo-cluster` does (`run`): the demo API server until SIGINT/SIGTERM, its
kubeconfig written for kubectl and scripts. Its name, help and arguments are
`tui.commands.demo_cluster_command`."""

from __future__ import annotations

import argparse
import errno
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from tui.commands.hosts import is_loopback
from tui.demo.cluster import DemoCluster
from tui.display_text import visible_line

__all__ = ["listen_problem", "run"]


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


def run(args: argparse.Namespace) -> int:
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
