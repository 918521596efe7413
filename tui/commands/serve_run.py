"""What `ephemera serve` does (`run`): the TUI in a web browser, through textual-serve. Its name,
help and arguments are `tui.commands.serve_command`.

Each browser tab gets its own `ephemera` process (`sys.executable -P -m tui [--demo] [cluster options]`,
which never imports a `tui/` from the current directory) whose screen textual-serve streams over a
WebSocket. Every request needs the run's secret, from the URL it prints (`/?token=...`) or the
cookie that URL sets, plus a Host it serves and, for the WebSocket, its own Origin
(tui/commands/serve_access.py). Loopback keeps other machines out, not other local users; binding
anything else lets the network see the secret (plain HTTP) and needs a typed confirmation on a
terminal, or `--yes`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shlex
import socket
import sys
from typing import Any

from aiohttp import web
from rich.logging import RichHandler
from textual_serve.server import Server

from tui.commands.cluster_access import cluster_errors_exit, load_kubeconfig_or_exit
from tui.commands.hosts import is_loopback
from tui.commands.serve_access import AccessPolicy, new_token, redact_access_log, redact_logs
from tui.display_text import visible
from tui.paths import CONFIG_ENV

__all__ = ["confirm_exposure", "exposure_warning", "public_url", "run", "safe_pythonpath", "served_command"]

EXIT_REFUSED = 2


class AccessChecksMissing(RuntimeError):
    """The access checks could not be put in front of textual-serve's routes."""


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def public_url(host: str, port: int) -> str:
    """What browsers should open: a wildcard address is replaced by this machine's name."""
    if host.strip("[]") in {"0.0.0.0", "::", ""}:
        host = socket.getfqdn() or socket.gethostname()
    return f"http://{_url_host(host)}:{port}"


def served_command(args: argparse.Namespace) -> list[str]:
    """The `ephemera` command line each browser tab runs: this interpreter with -P, so that `-m tui`
    does not look in the current directory first (a `tui/` there would run instead of Ephemera)."""
    argv = [sys.executable, "-P", "-m", "tui"]
    if getattr(args, "demo", False):
        argv.append("--demo")
    else:
        if getattr(args, "kubeconfig", None):
            argv += ["--kubeconfig", os.path.abspath(os.path.expanduser(args.kubeconfig))]
        if getattr(args, "context", None):
            argv += ["--context", args.context]
    if getattr(args, "namespace", None):
        argv += ["--namespace", args.namespace]
    elif getattr(args, "all_namespaces", False):
        argv.append("--all-namespaces")
    return argv


def safe_pythonpath(value: str | None) -> str | None:
    """$PYTHONPATH for the served processes: without its empty and relative entries, which Python
    resolves against the current directory even under -P. None when nothing is left."""
    if not value:
        return None
    kept = [entry for entry in value.split(os.pathsep) if entry and os.path.isabs(entry)]
    return os.pathsep.join(kept) or None


def exposure_warning(host: str, port: int, *, demo: bool, context: str | None) -> str:
    if demo:
        power = ("Each visitor gets an Ephemera session on the embedded demo cluster, running as your user "
                 "on this machine.")
    else:
        which = f"context {context!r}" if context else "your current kubeconfig context"
        power = (f"Whoever reaches it gets Ephemera with YOUR cluster credentials ({which}): they can "
                 "read pods, attach and exec into containers, and create debug containers and pod copies "
                 "as you.")
    return (f"WARNING: {host}:{port} is not a loopback address, so other machines can connect.\n"
            f"{power}\nThe only login is the secret link it prints, and it travels in plain HTTP: anyone "
            f"who can watch the network can read it. Prefer --host 127.0.0.1 with an SSH tunnel "
            f"(ssh -L {port}:127.0.0.1:{port} HOST).")


def confirm_exposure(args: argparse.Namespace, *, context: str | None = None, stdin: Any = None,
                     stderr: Any = None) -> bool:
    """True when binding `args.host` is fine: loopback, `--yes`, or "yes" typed on a terminal."""
    stdin = stdin if stdin is not None else sys.stdin
    stderr = stderr if stderr is not None else sys.stderr
    if is_loopback(args.host):
        return True
    print(exposure_warning(args.host, args.port, demo=bool(getattr(args, "demo", False)),
                           context=context or getattr(args, "context", None)), file=stderr)
    if args.yes:
        return True
    if stdin is None or not stdin.isatty():
        print("ephemera serve: refusing to listen on a non-loopback address without a terminal to confirm; "
              "pass --yes to accept the risk", file=stderr)
        return False
    print(f"Listen on {args.host}:{args.port} anyway? Type 'yes' to continue: ", end="", file=stderr, flush=True)
    answer = stdin.readline().strip().lower()
    if answer != "yes":
        print("ephemera serve: not started", file=stderr)
        return False
    return True


def _server(command: str, host: str, port: int, policy: AccessPolicy, demo: bool) -> Any:
    guard = policy.middleware()

    class EphemeraServer(Server):
        def initialize_logging(self) -> None:
            # textual-serve's own, but tracebacks without locals (a refused request's raw bytes,
            # `?token=` included, are one), and the secret redacted from every record
            logging.basicConfig(level="INFO", format="%(message)s", datefmt="[%X]", handlers=[
                RichHandler(show_path=False, show_time=False, rich_tracebacks=False, tracebacks_show_locals=False,
                            console=self.console)])
            redact_logs(policy.token)

        async def _make_app(self) -> web.Application:
            # textual-serve's routes (/, /ws, /static, /download), under the run's random path (the
            # cookie's: tui.commands.serve_access), behind the access checks
            served = await super()._make_app()
            app = self.ephemera_app = web.Application(middlewares=[guard])
            app.add_subapp(policy.prefix, served)
            return app

        async def on_startup(self, app: web.Application) -> None:
            outer = getattr(self, "ephemera_app", None)
            if outer is None or guard not in outer.middlewares:  # textual-serve changed how it runs: fail closed
                raise AccessChecksMissing("ephemera serve: could not install its access checks on "
                                          "textual-serve's server (a new textual-serve?); not serving")
            what = "on the embedded demo cluster (one per browser tab)" if demo else "with your kubeconfig"
            self.console.print(f"Serving Ephemera {what} at:", highlight=False, markup=False)
            self.console.print(visible(policy.url), highlight=False, markup=False, soft_wrap=True)
            self.console.print("This URL holds a secret: whoever has it gets Ephemera "
                               + ("on the demo cluster, as your user here." if demo
                                  else "with your cluster credentials."), highlight=False, markup=False)
            self.console.print(f"listening on {_url_host(host)}:{port}; press Ctrl+C to stop", highlight=False,
                               markup=False)

    return EphemeraServer(command, host=host, port=port, title="Ephemera", public_url=policy.public_url)


@cluster_errors_exit
def run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        print("ephemera serve: --port must be between 1 and 65535", file=sys.stderr)
        return EXIT_REFUSED
    demo = bool(getattr(args, "demo", False))
    context = None
    if not demo:
        kubeconfig = load_kubeconfig_or_exit(args)  # a bad kubeconfig is one line now, not in every tab
        context = getattr(args, "context", None) or kubeconfig.current_context
        kubeconfig.close()
    if not confirm_exposure(args, context=context):
        return EXIT_REFUSED
    if args.config:
        os.environ[CONFIG_ENV] = os.path.abspath(os.path.expanduser(args.config))  # inherited by each tab
    pythonpath = safe_pythonpath(os.environ.get("PYTHONPATH"))  # inherited by each tab, like $CONFIG_ENV
    if pythonpath is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = pythonpath
    url = (args.public_url or public_url(args.host, args.port)).rstrip("/")
    try:
        policy = AccessPolicy(new_token(), host=args.host, port=args.port, public_url=url)
    except ValueError:
        print(f"ephemera serve: --public-url must be an http:// or https:// URL with a host, not {visible(url)}",
              file=sys.stderr)
        return EXIT_REFUSED
    redact_access_log()
    server = _server(shlex.join(served_command(args)), args.host, args.port, policy, demo)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        server.serve()
    except OSError as exc:
        print(f"ephemera serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except AccessChecksMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return 0
