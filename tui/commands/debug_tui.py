"""`ephemera debug POD` (attaching): the TUI opened straight into the new debug session.

`build_debug_app(kubeconfig, ...)` makes the `EphemeraApp` (same kubeconfig, context and the pod's
namespace) whose initial session is the attach pane of NAMESPACE/POD/CONTAINER, the pod selected
in the browser (`exec_shell` given: an exec pane of that shell instead, empty for bash else sh:
a durable debugger); `run_debug_tui(...)` runs it in the terminal (as `ephemera` does) and returns the
exit code. Pre-flight and creation happened before, on the plain terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui.app import EphemeraApp
from tui.audit_log import AuditLog
from tui.initial_session import InitialSession
from tui.kube.config import KubeConfig
from tui.left_running import exit_summary
from tui.terminal_exit import print_best_effort

__all__ = ["build_debug_app", "run_debug_tui"]


def build_debug_app(kubeconfig: KubeConfig, *, context: str | None, namespace: str, pod: str, container: str,
                    audit_log: AuditLog | None = None, exec_shell: Sequence[str] | None = None,
                    **options: Any) -> EphemeraApp:
    """The EphemeraApp that opens with the attach pane of `container`, or its exec pane of `exec_shell`
    (a durable debugger; empty: bash, else sh) (options go to the app)."""
    initial = (InitialSession(namespace, pod, container, "attach") if exec_shell is None
               else InitialSession(namespace, pod, container, "exec", tuple(exec_shell) or None))
    return EphemeraApp(kubeconfig, context=context, namespace=namespace, audit_log=audit_log,
                       initial_session=initial, **options)


def run_debug_tui(kubeconfig: KubeConfig, *, context: str | None, namespace: str, pod: str, container: str,
                  audit_log: AuditLog | None = None, exec_shell: Sequence[str] | None = None) -> int:
    """Run the TUI in this terminal until the user quits (q, Ctrl+C outside a pane, SIGTERM, SIGHUP:
    the terminal is restored); print the other sessions left running; the app's return code. The
    caller says what became of `container` itself."""
    kubeconfig.interactive = False  # from here on the TUI owns the terminal
    app = build_debug_app(kubeconfig, context=context, namespace=namespace, pod=pod, container=container,
                          audit_log=audit_log, exec_shell=exec_shell)
    app.run()
    others = [s for s in app.left_running if (s.namespace, s.pod, s.container) != (namespace, pod, container)]
    summary = exit_summary(others, kubeconfig.cli_flags(app.browser.context_name or None))
    if summary:
        print_best_effort(summary)  # after a SIGHUP the terminal may be gone
    return int(getattr(app, "return_code", 0) or 0)
