"""What a connection needs to know of a kubeconfig: a context, the in-cluster service account,
and the narrow view of `tui.kube.config.KubeConfig` that `tui.kube.connection` uses (so the two
modules do not import each other: config -> connection -> contexts)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

__all__ = ["ContextInfo", "InClusterSource", "KubeconfigSource"]


@dataclass(frozen=True)
class ContextInfo:
    """One kubeconfig context, with its cluster's server address resolved."""

    name: str
    cluster: str
    user: str
    namespace: str | None  # the context's own namespace, None when it sets none
    server: str  # "" when the context's cluster is missing from the kubeconfig


@dataclass(frozen=True)
class InClusterSource:
    """Where the in-cluster service account lives (a temp dir in tests)."""

    host: str
    port: str
    token_file: Path
    ca_file: Path
    namespace: str | None

    @property
    def server(self) -> str:
        host = f"[{self.host}]" if ":" in self.host or "%" in self.host else self.host
        return f"https://{host}:{self.port}"


class KubeconfigSource(Protocol):
    """The part of `KubeConfig` a connection reads (its credential loader, each refresh)."""

    @property
    def config(self) -> Any: ...  # the merged kubeconfig (the client's ConfigNode), None in-cluster

    @property
    def in_cluster(self) -> InClusterSource | None: ...

    @property
    def interactive(self) -> bool: ...  # False while the TUI runs: exec plugins get no terminal
