"""Kubeconfig loading exactly as kubectl does it.

Precedence (kubectl's `ClientConfigLoadingRules`):
1. `--kubeconfig PATH`: only that file, which must exist.
2. `KUBECONFIG`: paths joined by `os.pathsep`, missing files skipped, merged: the first file to
   define a cluster / user / context name wins, `current-context` comes from the first file that
   sets it.
3. `~/.kube/config`.
4. In-cluster (`KUBERNETES_SERVICE_HOST` / `_PORT` and the service-account token and CA), as a
   synthetic context named `in-cluster`.

The parsing and merging use the official client's `KubeConfigMerger` (which keeps the file of each
entry, so relative certificate paths resolve like kubectl's), with kubectl's `current-context` rule
and empty-file handling on top.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from kubernetes.config.config_exception import ConfigException
from kubernetes.config.kube_config import ConfigNode, KubeConfigMerger

from tui.kube.connection import ClusterConnection, open_connection
from tui.kube.contexts import ContextInfo, InClusterSource
from tui.kube.errors import ClusterError, ErrorKind

__all__ = ["IN_CLUSTER_CONTEXT", "NO_KUBECONFIG_MESSAGE", "SERVICE_ACCOUNT_DIR", "KubeConfig"]

IN_CLUSTER_CONTEXT = "in-cluster"
SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
NO_KUBECONFIG_MESSAGE = "no kubeconfig found: looked in $KUBECONFIG, ~/.kube/config and in-cluster"
NO_KUBECONFIG_HINT = "pass --kubeconfig or run ephemera --demo"


def _unknown_context(name: str, known: list[str]) -> ClusterError:
    listed = ", ".join(known) if known else "none"
    return ClusterError(
        f'context "{name}" does not exist in the kubeconfig',
        f"known contexts: {listed}; pass one with --context",
        kind=ErrorKind.UNKNOWN_CONTEXT,
        context=name,
    )


def _read_yaml(path: Path) -> dict[str, Any] | None:
    """The parsed file, None when empty; ClusterError (bad-config) when unreadable or not YAML."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ClusterError(
            f"cannot read kubeconfig {path}: {exc.strerror or exc}",
            "check the path and its permissions",
            kind=ErrorKind.BAD_CONFIG,
        ) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ClusterError(
            f"kubeconfig {path} is not valid YAML: {' '.join(str(exc).split())[:200]}",
            "fix the file or point --kubeconfig at another one",
            kind=ErrorKind.BAD_CONFIG,
        ) from exc
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ClusterError(
            f"kubeconfig {path} is not a kubeconfig (expected a mapping at the top level)",
            "fix the file or point --kubeconfig at another one",
            kind=ErrorKind.BAD_CONFIG,
        )
    for key in ("clusters", "contexts", "users"):
        entries = data.get(key) or []
        if not isinstance(entries, list) or any(not isinstance(e, dict) or "name" not in e for e in entries):
            raise ClusterError(
                f"kubeconfig {path} has a malformed {key!r} list (every entry needs a name)",
                "check it with `kubectl config view`",
                kind=ErrorKind.BAD_CONFIG,
            )
    return data


def _value(node: Any) -> Any:
    return node.value if isinstance(node, ConfigNode) else node


class KubeConfig:
    """The merged kubeconfig (or the in-cluster service account) and one connection per context."""

    def __init__(
        self,
        config: ConfigNode | None,
        *,
        paths: list[Path],
        current_context: str,
        in_cluster: InClusterSource | None = None,
    ) -> None:
        self.config = config
        self.paths = paths
        self.in_cluster = in_cluster
        self.current_context = current_context
        # While False, exec credential plugins run with stdin closed and stderr captured (the TUI
        # owns the terminal). The CLI sets it to False right before the TUI takes the screen.
        self.interactive = True
        # `--kubeconfig FILE` as given: the commands Ephemera prints (kubectl attach, ephemera
        # cleanup) must name it, or they would read another configuration
        self.explicit_path: Path | None = None
        self._connections: dict[str, ClusterConnection] = {}
        self._lock = threading.RLock()
        self.contexts: list[ContextInfo] = self._build_contexts()

    def cli_flags(self, context: str | None = None) -> list[str]:
        """The flags that make a printed `kubectl ...` (or `ephemera ...`) command reach the same
        cluster as this session: `--context` (when known) and `--kubeconfig FILE` when one was given."""
        flags = ["--context", context] if context else []
        if self.explicit_path is not None:
            flags += ["--kubeconfig", str(self.explicit_path)]
        return flags

    # --- loading ---------------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        kubeconfig: str | os.PathLike[str] | None = None,
        context: str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        service_account_dir: str | os.PathLike[str] | None = None,
    ) -> KubeConfig:
        """Load as kubectl does; `context` overrides `current-context`. Raises `ClusterError`."""
        env = os.environ if environ is None else environ
        explicit = kubeconfig is not None
        if kubeconfig is not None:
            path = Path(os.path.expanduser(os.fspath(kubeconfig)))
            if not path.exists():
                raise ClusterError(
                    f"kubeconfig {path} does not exist",
                    "check the --kubeconfig path, or run ephemera --demo",
                    kind=ErrorKind.NO_KUBECONFIG,
                )
            candidates = [path]
        elif env.get("KUBECONFIG"):
            candidates = [Path(os.path.expanduser(p)) for p in env["KUBECONFIG"].split(os.pathsep) if p]
        else:
            home = env.get("HOME") or os.path.expanduser("~")
            candidates = [Path(home) / ".kube" / "config"]

        merger = KubeConfigMerger("")  # an empty path list: we feed the files ourselves
        current: str | None = None
        for path in candidates:
            if not path.is_file():
                if explicit:
                    raise ClusterError(f"kubeconfig {path} is not a file", "check the --kubeconfig path",
                                       kind=ErrorKind.BAD_CONFIG)
                continue
            data = _read_yaml(path)
            if data is None:
                continue
            try:
                merger.load_config(str(path))
            except (ConfigException, KeyError, TypeError) as exc:
                raise ClusterError(f"invalid kubeconfig {path}: {exc}", "check it with `kubectl config view`",
                                   kind=ErrorKind.BAD_CONFIG) from exc
            merger.paths.append(str(path))
            if not current and data.get("current-context"):
                current = str(data["current-context"])  # kubectl: the first file that sets it wins

        merged: ConfigNode | None = merger.config
        if merged is not None and merged.value.get("contexts"):
            merged.value["current-context"] = current or ""
            names = [str(_value(c)["name"]) for c in merged.value["contexts"]]
            chosen = context or current
            if not chosen:
                raise ClusterError(
                    "the kubeconfig sets no current-context",
                    f"pass --context (known contexts: {', '.join(names)})",
                    kind=ErrorKind.UNKNOWN_CONTEXT,
                )
            if chosen not in names:
                raise _unknown_context(chosen, names)
            loaded = cls(merged, paths=[Path(p) for p in merger.paths], current_context=chosen)
            if kubeconfig is not None:
                loaded.explicit_path = Path(os.path.abspath(os.path.expanduser(os.fspath(kubeconfig))))
            return loaded

        if explicit:
            raise ClusterError(
                f"kubeconfig {candidates[0]} defines no contexts",
                "add a context or point --kubeconfig at another file",
                kind=ErrorKind.BAD_CONFIG,
            )

        source = _in_cluster_source(env, Path(service_account_dir) if service_account_dir else SERVICE_ACCOUNT_DIR)
        if source is None:
            raise ClusterError(NO_KUBECONFIG_MESSAGE, NO_KUBECONFIG_HINT, kind=ErrorKind.NO_KUBECONFIG)
        if context and context != IN_CLUSTER_CONTEXT:
            raise _unknown_context(context, [IN_CLUSTER_CONTEXT])
        return cls(None, paths=[], current_context=IN_CLUSTER_CONTEXT, in_cluster=source)

    def _build_contexts(self) -> list[ContextInfo]:
        if self.in_cluster is not None:
            return [ContextInfo(IN_CLUSTER_CONTEXT, IN_CLUSTER_CONTEXT, IN_CLUSTER_CONTEXT,
                                self.in_cluster.namespace, self.in_cluster.server)]
        assert self.config is not None
        clusters = {str(_value(c)["name"]): _value(c).get("cluster") or {} for c in self.config.value.get("clusters") or []}
        out: list[ContextInfo] = []
        for node in self.config.value.get("contexts") or []:
            entry = _value(node)
            ctx = entry.get("context") or {}
            cluster_name = str(ctx.get("cluster") or "")
            out.append(
                ContextInfo(
                    name=str(entry["name"]),
                    cluster=cluster_name,
                    user=str(ctx.get("user") or ""),
                    namespace=str(ctx["namespace"]) if ctx.get("namespace") else None,
                    server=str(clusters.get(cluster_name, {}).get("server") or ""),
                )
            )
        return out

    # --- queries ---------------------------------------------------------------------------------

    @property
    def context_names(self) -> list[str]:
        return [c.name for c in self.contexts]

    def context(self, name: str | None = None) -> ContextInfo:
        """The named context (default: the current one); ClusterError listing the known ones."""
        wanted = name or self.current_context
        for info in self.contexts:
            if info.name == wanted:
                return info
        raise _unknown_context(wanted, self.context_names)

    def default_namespace(self, context: str | None = None) -> str:
        """The context's namespace, else "default" (as kubectl)."""
        return self.context(context).namespace or "default"

    # --- connections -----------------------------------------------------------------------------

    def connect(self, context: str | None = None) -> ClusterConnection:
        """The (cached) connection for a context; resolves credentials (exec plugins) now."""
        info = self.context(context)
        with self._lock:
            conn = self._connections.get(info.name)
            if conn is None:
                conn = open_connection(self, info)
                self._connections[info.name] = conn
            return conn

    def cached_connection(self, context: str | None = None) -> ClusterConnection | None:
        """The connection `connect(context)` made already, else None: nothing is resolved, no plugin
        runs, no I/O (the CLI connects before the TUI starts, so the first screen can start listing
        without a worker's round trip; issue 15). None for an unknown context too."""
        try:
            info = self.context(context)
        except ClusterError:
            return None
        with self._lock:
            return self._connections.get(info.name)

    def close(self) -> None:
        """Close every cached API client."""
        with self._lock:
            conns, self._connections = list(self._connections.values()), {}
        for conn in conns:
            conn.close()


def _in_cluster_source(env: Mapping[str, str], sa_dir: Path) -> InClusterSource | None:
    host, port = env.get("KUBERNETES_SERVICE_HOST"), env.get("KUBERNETES_SERVICE_PORT")
    token, ca = sa_dir / "token", sa_dir / "ca.crt"
    if not host or not port or not token.is_file() or not ca.is_file():
        return None
    ns_file = sa_dir / "namespace"
    namespace = ns_file.read_text().strip() if ns_file.is_file() else None
    return InClusterSource(host=host, port=port, token_file=token, ca_file=ca, namespace=namespace or None)
