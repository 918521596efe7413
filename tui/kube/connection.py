"""ClusterConnection: one `ApiClient` per context, and credential resolution that never touches the UI.

Credentials come from the official client's `KubeConfigLoader` (tokens, token files, client
certificates, auth-provider, exec plugins) or `InClusterConfigLoader`. Exec credential plugins
(`aws eks get-token`, `gke-gcloud-auth-plugin`, `kubelogin`) run through `CapturedExecProvider`:

* in `connect()`, which the CLI calls before the TUI takes the screen, a plugin may talk to the
  terminal (stdin and stderr passed through, like kubectl) when stdin is a TTY and the plugin's
  `interactiveMode` is not `Never`;
* once `KubeConfig.interactive` is False (the TUI runs), and on every later refresh (token expiry,
  `refresh_credentials()` after a 401), stdin is /dev/null and stderr is captured: nothing reaches
  the terminal, and the plugin's error text ends up in the `ClusterError`.

The official `ExecProvider.run` decides by `sys.stdout.isatty()` and would hand the TUI's terminal
to the plugin, and `KubeConfigLoader` logs plugin failures instead of raising; both are replaced here.

A plugin that needs a login on the terminal (`interactiveMode: Always`, or one that waits for a
browser or a prompt) cannot get it once the TUI runs: it is refused at once, or stopped after
`EXEC_PLUGIN_TIMEOUT`, with a message telling the user to log in from a shell first.

Refresh: credentials with an expiry (exec plugin `expirationTimestamp`, tokens and client
certificates alike) are re-resolved before the first request after they expire (5 minutes early, as
the official client), and after a 401 via `refresh_credentials()`. Every `ApiClient` of the
connection sees the new credentials: tokens through the shared `Configuration`, a new client
certificate by rebuilding each client's connection pool (urllib3 pools keep the certificate they
were built with).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import threading
from typing import Any

from kubernetes.client import ApiClient, Configuration, rest
from kubernetes.config.config_exception import ConfigException
from kubernetes.config.exec_provider import ExecProvider
from kubernetes.config.incluster_config import InClusterConfigLoader
from kubernetes.config.kube_config import FileOrData, KubeConfigLoader, _is_expired, parse_rfc3339

from tui import __version__
from tui.kube.contexts import ContextInfo, KubeconfigSource
from tui.kube.errors import ClusterError, ErrorKind, describe_exception
from tui.kube.requests import CHECK_TIMEOUT, get_json

__all__ = ["EXEC_PLUGIN_TIMEOUT", "CapturedExecProvider", "ClusterConnection", "open_connection"]

EXEC_PLUGIN_TIMEOUT = 30.0  # seconds a non-interactive plugin run may take


def _user_agent() -> str:
    return f"ephemera/{__version__} ({sys.platform})"


class CapturedExecProvider(ExecProvider):
    """The official ExecProvider, but the caller decides whether the plugin may use the terminal,
    and failures raise `ClusterError` with the plugin's own error text."""

    def __init__(self, exec_config: Any, cwd: str | None, cluster: Any = None, *, interactive: bool,
                 context: str = "") -> None:
        super().__init__(exec_config, cwd, cluster)
        self.mode = str(exec_config.safe_get("interactiveMode") or "IfAvailable")
        stdin_tty = hasattr(sys.stdin, "isatty") and sys.stdin.isatty()
        self.interactive = interactive and self.mode != "Never" and stdin_tty
        self.tui_running = not interactive
        self.context = context
        self.command = str(exec_config["command"])
        self.install_hint = " ".join(str(exec_config.safe_get("installHint") or "").split())

    def _fail(self, what: str, hint: str = "") -> ClusterError:
        return ClusterError(
            f"credential plugin {self.command!r} {what}",
            self.install_hint or hint
            or "run the plugin by hand to see why, then log in again or pick another context",
            kind=ErrorKind.EXEC_PLUGIN,
        )

    def _login_first(self, what: str) -> ClusterError:
        """The plugin wants a terminal it cannot have: say how to log in outside the TUI."""
        context = f" --context {self.context}" if self.context else ""
        where = ("ephemera cannot hand it the terminal while the TUI runs" if self.tui_running
                 else "standard input is not a terminal")
        if self.mode == "Always":  # it will never run without a terminal: only a restart helps
            hint = (f"quit and start `ephemera{context}` from a terminal: the plugin logs in there before "
                    "the TUI takes the screen" if self.tui_running else "run this command from a terminal")
        else:
            then = (f"then press r to retry or restart with `ephemera{context}`" if self.tui_running
                    else "then run this command again")
            hint = f"log in from a shell first (e.g. `kubectl{context} get --raw /version`), {then}"
        return ClusterError(f"credential plugin {self.command!r} {what} ({where})", hint, kind=ErrorKind.EXEC_PLUGIN)

    def run(self, previous_response: Any = None) -> dict[str, Any]:
        if self.mode == "Always" and not self.interactive:
            # client-go refuses too: "exec plugin cannot support interactive mode: standard input is not a terminal"
            raise self._login_first("needs an interactive login (interactiveMode: Always)")
        info: dict[str, Any] = {"apiVersion": self.api_version, "kind": "ExecCredential",
                                "spec": {"interactive": self.interactive}}
        if previous_response:
            info["spec"]["response"] = previous_response
        if self.cluster:
            cluster = dict(self.cluster.value)
            for extension in cluster.get("extensions") or []:
                if extension.get("name") == "client.authentication.k8s.io/exec":
                    cluster["config"] = extension.get("extension")
                    break
            info["spec"]["cluster"] = cluster
        env = dict(self.env)
        env["KUBERNETES_EXEC_INFO"] = json.dumps(info)
        try:
            process = subprocess.Popen(
                self.args,
                stdout=subprocess.PIPE,
                stderr=None if self.interactive else subprocess.PIPE,
                stdin=sys.stdin if self.interactive else subprocess.DEVNULL,
                cwd=self.cwd,
                env=env,
                text=True,
                shell=self.shell,
            )
        except FileNotFoundError as exc:
            raise self._fail("was not found on PATH",
                             f"install {self.command!r} (your cloud's CLI or kubelogin) or put its directory "
                             "on PATH, then restart Ephemera or pick another context") from exc
        except OSError as exc:
            raise self._fail(f"could not start: {exc.strerror or exc}") from exc
        try:
            stdout, stderr = process.communicate(timeout=None if self.interactive else EXEC_PLUGIN_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            _, stderr = process.communicate()
            said = " ".join((stderr or "").split())[-200:]
            raise self._login_first(f"did not answer within {EXEC_PLUGIN_TIMEOUT:g}s, probably waiting for a login"
                                    + (f"; it said: {said}" if said else "")) from exc
        if process.returncode != 0:
            detail = " ".join((stderr or "").split())
            if len(detail) > 300:
                detail = detail[:300] + "..."
            raise self._fail(f"failed with exit code {process.returncode}" + (f": {detail}" if detail else ""))
        try:
            data = json.loads(stdout)
        except ValueError as exc:
            raise self._fail("printed something that is not an ExecCredential JSON") from exc
        if not isinstance(data, dict) or any(k not in data for k in ("apiVersion", "kind", "status")):
            raise self._fail("printed an ExecCredential without apiVersion, kind or status")
        if data["apiVersion"] != self.api_version:
            raise self._fail(f"answered apiVersion {data['apiVersion']} instead of {self.api_version}")
        return dict(data["status"])


def header_problem(value: str) -> str | None:
    """What makes `value` unusable as an HTTP header value, or None. client-go (kubectl) refuses
    the same at request time; http.client raises `Invalid header value b'<the token>'`."""
    for char in value:
        if char in "\r\n":
            return "a line break"
    for char in value:
        code = ord(char)
        if code < 0x20 or 0x7F <= code < 0xA0:
            return f"a control character (U+{code:04X})"
        if code > 0x7E:
            return f"a non-ASCII character (U+{code:04X})"
    return None


_HEADER_KEY_BYTES = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _extra_key(key: str) -> str:
    """client-go's headerKeyEscape: bytes that are not legal in a header name (and %) percent-encoded."""
    return "".join(chr(b) if b in _HEADER_KEY_BYTES and b != ord("%") else f"%{b:02X}" for b in key.encode())


def impersonation_headers(user_entry: Any, user: str = "", context: str = "") -> tuple[tuple[str, str], ...]:
    """The Impersonate-* header lines kubectl sends for a users entry's `as`, `as-uid`, `as-groups`
    and `as-user-extra` (client-go's impersonatingRoundTripper: one line per group and per extra
    value, in this order). A value HTTP cannot carry is a configuration error naming the entry."""
    entry = user_entry if isinstance(user_entry, dict) else {}
    lines: list[tuple[str, str]] = []
    if entry.get("as"):
        lines.append(("Impersonate-User", str(entry["as"])))
    if entry.get("as-uid"):
        lines.append(("Impersonate-Uid", str(entry["as-uid"])))
    groups = entry.get("as-groups") or []
    for group in groups if isinstance(groups, list) else [groups]:
        lines.append(("Impersonate-Group", str(group)))
    extra = entry.get("as-user-extra") or {}
    if isinstance(extra, dict):
        for key, values in extra.items():
            for value in values if isinstance(values, list) else [values]:
                lines.append((f"Impersonate-Extra-{_extra_key(str(key))}", str(value)))
    for name, value in lines:
        problem = header_problem(value)
        if problem:
            raise ClusterError(f"the impersonation ({name}) of user {user!r} in the kubeconfig contains {problem}",
                               f'fix the as/as-groups/as-uid/as-user-extra of the users entry "{user}"',
                               kind=ErrorKind.BAD_CONFIG, context=context)
    return tuple(lines)


def _bad_token(user: str, problem: str, where: str, fix: str, context: str) -> ClusterError:
    """The configuration error for a token HTTP cannot carry: it names the users entry, never the token."""
    return ClusterError(
        f"the token of user {user!r} {where} contains {problem}",
        fix,
        kind=ErrorKind.BAD_CONFIG,
        context=context,
    )


class _KubeconfigLoader(KubeConfigLoader):
    """KubeConfigLoader whose exec plugins run through CapturedExecProvider and raise on failure."""

    def __init__(self, config: Any, context: str, owner: KubeconfigSource) -> None:
        super().__init__(config_dict=config, active_context=context, config_base_path=None)
        self._owner = owner
        self._context_name = context
        self._exec_lock = threading.Lock()

    @property
    def _user_name(self) -> str:
        try:
            return str(self._current_context["context"]["user"])
        except (KeyError, TypeError):
            return ""

    def _load_user_token(self) -> bool | None:
        """The official lookup (`token`, else `tokenFile`), with client-go's rules: a token file's
        content is trimmed (`strings.TrimSpace`: the usual trailing newline), an inline `token:` is
        used as written; a token HTTP cannot carry (a line break, a control or non-ASCII character)
        is a configuration error naming the users entry, never showing the token."""
        user = self._user_name
        source = f" ({self._user.path})" if getattr(self._user, "path", None) else ""
        if "token" in self._user:
            token = self._user["token"]
            if not token:
                return None
            token = str(token)
            problem = header_problem(token)
            if problem:
                raise _bad_token(user, problem, f"in the kubeconfig{source}",
                                 f'remove it from the token: of the users entry "{user}": a token is one line '
                                 f"of plain ASCII (`kubectl config set-credentials {user} --token=...`)",
                                 self._context_name)
        elif "tokenFile" in self._user:
            base_path = self._get_base_path(self._user.path)
            path = os.path.normpath(os.path.join(base_path, str(self._user["tokenFile"])))
            try:
                with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                    token = handle.read().strip()
            except OSError as exc:
                raise ClusterError(f"cannot read the token file {path} of user {user!r}: {exc.strerror or exc}",
                                   f'fix the tokenFile: of the users entry "{user}" in the kubeconfig{source}',
                                   kind=ErrorKind.BAD_CONFIG, context=self._context_name) from exc
            if not token:
                return None
            problem = header_problem(token)
            if problem:
                raise _bad_token(user, problem, f"in its token file {path}",
                                 "the file must hold the token alone (a final newline is fine)",
                                 self._context_name)
        else:
            return None
        self.token = f"Bearer {token}"
        return True

    def _load_authentication(self) -> None:
        super()._load_authentication()
        token = self.__dict__.get("token")
        if isinstance(token, str):  # auth-provider (oidc, gcp) tokens and basic auth alike
            problem = header_problem(token)
            if problem:
                user = self._user_name
                raise ClusterError(
                    f"the credentials of user {user!r} in the kubeconfig contain {problem}",
                    f'fix the users entry "{user}" (`kubectl config view --minify`), or log in again',
                    kind=ErrorKind.BAD_CONFIG, context=self._context_name)

    def _load_from_exec_plugin(self) -> bool | None:
        if "exec" not in self._user:
            return None
        with self._exec_lock:
            base_path = self._get_base_path(self._cluster.path)
            provider = CapturedExecProvider(self._user["exec"], base_path, self._cluster,
                                            interactive=self._owner.interactive, context=self._context_name)
            status = provider.run()
            if status.get("token"):
                problem = header_problem(str(status["token"]))
                if problem:
                    raise provider._fail(f"answered a token that contains {problem}",
                                         "update or fix the plugin, then log in again")
                self.token = f"Bearer {status['token']}"
            elif status.get("clientCertificateData") and status.get("clientKeyData"):
                self.cert_file = FileOrData(status, None, data_key_name="clientCertificateData",
                                            file_base_path=base_path, base64_file_content=False).as_file()
                self.key_file = FileOrData(status, None, data_key_name="clientKeyData",
                                           file_base_path=base_path, base64_file_content=False).as_file()
            else:
                raise provider._fail("answered neither a token nor clientCertificateData + clientKeyData")
            if status.get("expirationTimestamp"):
                self.expiry = parse_rfc3339(status["expirationTimestamp"])
            return True

    def reload(self) -> None:
        self._load_authentication()

    def expired(self) -> bool:
        """The credentials carry an expiry (exec plugin, auth-provider) that has (nearly) passed."""
        expiry = self.__dict__.get("expiry")
        return expiry is not None and _is_expired(expiry)

    def apply(self, configuration: Configuration) -> None:
        self._set_config(configuration)


class _InClusterLoader(InClusterConfigLoader):
    def reload(self) -> None:
        self._read_token_file()

    def _read_token_file(self) -> None:
        """The official read, trimmed as client-go does, and refused when HTTP cannot carry it."""
        super()._read_token_file()
        token = self.token.split(" ", 1)[1].strip() if self.token else ""
        if not token:
            raise ClusterError(f"the service-account token file {self._token_filename} holds only whitespace",
                               "the pod's projected token is missing: check the pod's serviceAccount",
                               kind=ErrorKind.BAD_CONFIG)
        problem = header_problem(token)
        if problem:
            raise ClusterError(f"the service-account token in {self._token_filename} contains {problem}",
                               "the file must hold the token alone", kind=ErrorKind.BAD_CONFIG)
        self.token = f"bearer {token}"

    def expired(self) -> bool:
        """The projected service-account token is re-read every minute, as the official hook does."""
        expires_at = self.__dict__.get("token_expires_at")
        return expires_at is not None and expires_at <= datetime.datetime.now()

    def apply(self, configuration: Configuration) -> None:
        self._set_config(configuration)


class _ConnectionApiClient(ApiClient):
    """An ApiClient that refreshes expired credentials before each request and rebuilds its
    connection pool when the client certificate changed (urllib3 pools keep the one they were built with)."""

    def __init__(self, connection: ClusterConnection) -> None:
        self._connection = connection
        self._credentials_generation = connection.credentials_generation
        super().__init__(configuration=connection.configuration)

    def _sync_credentials(self) -> None:
        self._connection.ensure_fresh_credentials()
        generation = self._connection.credentials_generation
        if generation != self._credentials_generation:
            old, self.rest_client = self.rest_client, rest.RESTClientObject(self.configuration)
            self._credentials_generation = generation
            try:
                old.close()
            except Exception:  # noqa: BLE001 - idle connections only; in-flight ones finish on their own
                pass

    def param_serialize(self, *args: Any, **kwargs: Any) -> Any:
        # Every request (REST and the WebSocket upgrade, both sent by tui.kube.requests) is
        # serialized here, before the Authorization header is computed.
        self._sync_credentials()
        return super().param_serialize(*args, **kwargs)

    def call_api(self, *args: Any, **kwargs: Any) -> Any:
        self._sync_credentials()  # a refresh by another client since param_serialize
        return super().call_api(*args, **kwargs)


class ClusterConnection:
    """Credentials and API clients for one context.

    `api_client` is shared (one per context, for lists, gets and patches); streams (watch, attach,
    exec) take their own from `new_api_client()`; every request is sent by `tui.kube.requests`.
    All clients share one `Configuration`, so refreshed credentials reach them all.
    """

    def __init__(self, kubeconfig: KubeconfigSource, info: ContextInfo, loader: _KubeconfigLoader | _InClusterLoader,
                 configuration: Configuration, impersonation: tuple[tuple[str, str], ...] = ()) -> None:
        self.kubeconfig = kubeconfig
        # the users entry's as/as-groups/as-uid/as-user-extra: Impersonate-* lines sent with every
        # request and WebSocket upgrade by tui.kube.requests, as kubectl does
        self.impersonation = impersonation
        self.info = info
        self.context = info.name
        self.server = configuration.host or info.server
        self.namespace = info.namespace or "default"
        self.configuration = configuration
        self._loader = loader
        self._lock = threading.RLock()
        self._clients: list[ApiClient] = []
        # bumped when a refresh changes the client certificate: each client then rebuilds its pool
        self.credentials_generation = 0
        self._install_refresh_hook(configuration)
        self._check_configuration = self._configuration_copy(retries=0)
        self.api_client = self.new_api_client()

    def __repr__(self) -> str:
        return f"ClusterConnection(context={self.context!r}, server={self.server!r}, namespace={self.namespace!r})"

    def _configuration_copy(self, *, retries: int | None = None) -> Configuration:
        cfg = Configuration()
        self._loader.apply(cfg)
        self._install_refresh_hook(cfg)
        cfg.retries = retries
        return cfg

    def _install_refresh_hook(self, configuration: Configuration) -> None:
        """The official hook re-runs the plugin without our lock and only for tokens: route it here."""
        if configuration.refresh_api_key_hook is not None:
            configuration.refresh_api_key_hook = lambda _cfg: self.ensure_fresh_credentials()

    def ensure_fresh_credentials(self) -> None:
        """Refresh the credentials if they have expired (called before every request)."""
        if not self._loader.expired():
            return
        with self._lock:
            if self._loader.expired():  # another thread may have refreshed them meanwhile
                self.refresh_credentials()

    def new_api_client(self) -> ApiClient:
        """A fresh ApiClient with the same credentials (one per stream session). Expired credentials
        are refreshed on its first request (where callers handle errors), not here."""
        client = _ConnectionApiClient(self)
        client.user_agent = _user_agent()
        with self._lock:
            self._clients.append(client)
        return client

    def describe(self, exc: BaseException) -> ClusterError:
        """`describe_exception` with this connection's server and context filled in."""
        return describe_exception(exc, server=self.server, context=self.context)

    def check(self, timeout: float = CHECK_TIMEOUT) -> dict[str, Any]:
        """GET /version (no retries, short timeout): the version dict, or ClusterError."""
        self.ensure_fresh_credentials()
        client = ApiClient(configuration=self._check_configuration)
        client.user_agent = _user_agent()
        try:
            data = get_json(self, "/version", timeout=timeout, client=client)
        finally:
            client.close()
        if not isinstance(data, dict):
            raise ClusterError(f"{self.server}/version did not answer a JSON object",
                               "is this address a Kubernetes API server?", kind=ErrorKind.PROTOCOL,
                               server=self.server, context=self.context)
        return data

    def refresh_credentials(self) -> None:
        """Re-resolve credentials (re-run the exec plugin, re-read token files), e.g. after a 401.

        While the TUI runs (`KubeConfig.interactive` False) the plugin gets no terminal."""
        with self._lock:
            try:
                self._loader.reload()
            except ClusterError as exc:
                raise describe_exception(exc, server=self.server, context=self.context) from exc
            except Exception as exc:
                raise self.describe(exc) from exc
            before = (self.configuration.cert_file, self.configuration.key_file)
            for configuration in (self.configuration, self._check_configuration):
                self._loader.apply(configuration)
                self._install_refresh_hook(configuration)
            if (self.configuration.cert_file, self.configuration.key_file) != before:
                self.credentials_generation += 1

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


def open_connection(kubeconfig: KubeconfigSource, info: ContextInfo) -> ClusterConnection:
    """Resolve the credentials of one context and build its ClusterConnection (raises ClusterError)."""
    configuration = Configuration()
    loader: _KubeconfigLoader | _InClusterLoader
    impersonation: tuple[tuple[str, str], ...] = ()
    try:
        if kubeconfig.in_cluster is not None:
            source = kubeconfig.in_cluster
            loader = _InClusterLoader(
                token_filename=str(source.token_file),
                cert_filename=str(source.ca_file),
                environ={"KUBERNETES_SERVICE_HOST": source.host, "KUBERNETES_SERVICE_PORT": source.port},
            )
            loader.load_and_set(configuration)
        else:
            if not info.server:
                raise ClusterError(
                    f"context {info.name!r} refers to cluster {info.cluster!r}, which has no server in the kubeconfig",
                    "fix the kubeconfig or pick another context",
                    kind=ErrorKind.BAD_CONFIG,
                    context=info.name,
                )
            loader = _KubeconfigLoader(kubeconfig.config, info.name, kubeconfig)
            loader.load_and_set(configuration)
            user_node = loader._user
            impersonation = impersonation_headers(getattr(user_node, "value", None), loader._user_name, info.name)
    except ClusterError as exc:
        raise describe_exception(exc, server=info.server or None, context=info.name) from exc
    except ConfigException as exc:
        raise ClusterError(f"invalid kubeconfig for context {info.name!r}: {exc}",
                           "check it with `kubectl config view`", kind=ErrorKind.BAD_CONFIG,
                           context=info.name) from exc
    except Exception as exc:
        raise describe_exception(exc, server=info.server or None, context=info.name) from exc
    return ClusterConnection(kubeconfig, info, loader, configuration, impersonation)

