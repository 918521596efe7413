"""The real kubectl as a peer of the demo cluster: one command run to completion (`kubectl_run`,
`kubectl_ok`, with stdin if given), and a running `kubectl port-forward` (`Forwarding`)."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

from helpers import WAIT_SECONDS
from helpers.demo_http import wait_for
from tui.demo.cluster import DemoCluster


def _base(kubectl: str, cluster: DemoCluster) -> list[str]:
    assert cluster.kubeconfig_path is not None
    cache = Path(cluster.kubeconfig_path).parent / "kubectl-cache"
    return [kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir", str(cache)]


def kubectl_run(kubectl: str, cluster: DemoCluster, *args: str, timeout: float = WAIT_SECONDS,
                stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_base(kubectl, cluster), *args], capture_output=True, text=True, timeout=timeout,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)


def kubectl_ok(kubectl: str, cluster: DemoCluster, *args: str, timeout: float = WAIT_SECONDS,
               stdin: str | None = None) -> str:
    """kubectl's stdout; the test fails with its stderr when it exits non-zero."""
    result = kubectl_run(kubectl, cluster, *args, timeout=timeout, stdin=stdin)
    assert result.returncode == 0, f"kubectl {' '.join(args)} exited {result.returncode}: {result.stderr}"
    return result.stdout


class Forwarding:
    """A running `kubectl port-forward`, its output lines collected on threads."""

    def __init__(self, kubectl: str, cluster: DemoCluster, tmp_path: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir", str(tmp_path / "cache"),
             "port-forward", "--address", "127.0.0.1", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        self._threads = [threading.Thread(target=self._collect, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _collect(stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line.rstrip("\n"))

    def local_port(self) -> int:
        """The port kubectl listens on (it prints `Forwarding from 127.0.0.1:PORT -> REMOTE`)."""
        def found() -> int | None:
            for line in list(self.out):
                match = re.match(r"Forwarding from 127\.0\.0\.1:(\d+) ->", line)
                if match:
                    return int(match.group(1))
            assert self.process.poll() is None, f"kubectl port-forward exited: {self.err}"
            return None
        return wait_for(found, what=f"kubectl's 'Forwarding from' line ({self.out}, {self.err})")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=WAIT_SECONDS)
        for thread in self._threads:
            thread.join(timeout=5)
