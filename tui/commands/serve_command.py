"""`ephemera serve`: the TUI in a web browser, through textual-serve.

Each browser tab gets its own `ephemera` process (`sys.executable -m tui [--demo] [cluster options]`)
whose screen textual-serve streams over a WebSocket. There is no authentication in front of it, so
binding anything but loopback hands the user's cluster credentials to whoever reaches the port:
that needs a typed confirmation on a terminal, or `--yes`.
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import sys
from typing import TYPE_CHECKING, Any

from tui.commands import Subcommand
from tui.commands.demo_cluster_command import is_loopback
from tui.paths import CONFIG_ENV

if TYPE_CHECKING:
    from aiohttp import web

EXIT_REFUSED = 2


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help="each browser tab browses its own embedded demo cluster")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: %(default)s; anything but loopback asks first)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    parser.add_argument("--public-url", metavar="URL", default=None,
                        help="the URL browsers use to reach this server (default: http://HOST:PORT, "
                             "with this machine's name for 0.0.0.0 / ::)")
    parser.add_argument("--config", metavar="PATH", default=None,
                        help=f"Ephemera settings file for the served app (sets ${CONFIG_ENV})")
    parser.add_argument("-y", "--yes", action="store_true",
                        help="do not ask before listening on a non-loopback address")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def public_url(host: str, port: int) -> str:
    """What browsers should open: a wildcard address is replaced by this machine's name."""
    if host.strip("[]") in {"0.0.0.0", "::", ""}:
        host = socket.getfqdn() or socket.gethostname()
    return f"http://{_url_host(host)}:{port}"


def served_command(args: argparse.Namespace) -> list[str]:
    """The `ephemera` command line each browser tab runs (the same interpreter as this process)."""
    argv = [sys.executable, "-m", "tui"]
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
            f"{power}\nThere is no login in front of it. Prefer --host 127.0.0.1 with an SSH tunnel "
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


def _server(command: str, host: str, port: int, url: str, demo: bool) -> Any:
    from textual_serve.server import Server

    class EphemeraServer(Server):  # type: ignore[misc]
        async def on_startup(self, app: web.Application) -> None:
            del app
            what = "on the embedded demo cluster (one per browser tab)" if demo else "with your kubeconfig"
            self.console.print(f"Serving Ephemera {what} at [bold]{self.public_url}[/]", highlight=False,
                               soft_wrap=True)
            self.console.print(f"listening on {_url_host(host)}:{port}; press Ctrl+C to stop", highlight=False)

    return EphemeraServer(command, host=host, port=port, title="Ephemera", public_url=url)


def _run(args: argparse.Namespace) -> int:
    import asyncio

    if not 1 <= args.port <= 65535:
        print("ephemera serve: --port must be between 1 and 65535", file=sys.stderr)
        return EXIT_REFUSED
    demo = bool(getattr(args, "demo", False))
    context = None
    if not demo:
        from tui.cli import load_kubeconfig_or_exit

        kubeconfig = load_kubeconfig_or_exit(args)  # a bad kubeconfig is one line now, not in every tab
        context = getattr(args, "context", None) or kubeconfig.current_context
        kubeconfig.close()
    if not confirm_exposure(args, context=context):
        return EXIT_REFUSED
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        print("ephemera serve: needs textual-serve (pip install textual-serve)", file=sys.stderr)
        return 1
    if args.config:
        os.environ[CONFIG_ENV] = os.path.abspath(os.path.expanduser(args.config))  # inherited by each tab
    url = (args.public_url or public_url(args.host, args.port)).rstrip("/")
    server = _server(shlex.join(served_command(args)), args.host, args.port, url, demo)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        server.serve()
    except OSError as exc:
        print(f"ephemera serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return 0


COMMAND = Subcommand(
    name="serve",
    help="serve the TUI in a web browser (textual-serve), e.g. to demo it to teammates",
    description=(
        "Serve Ephemera in a web browser with textual-serve: every browser tab runs its own Ephemera. "
        "It listens on loopback by default. There is no login: anyone who reaches the port gets the power "
        "of your cluster credentials, so listening on any other address asks for confirmation (or --yes)."
    ),
    examples=[
        "ephemera serve --demo                      # open http://127.0.0.1:8000",
        "ephemera serve --context staging -n shop   # your cluster, loopback only",
        "ssh -L 8000:127.0.0.1:8000 HOST            # reach a remote `ephemera serve` safely",
    ],
    add_arguments=_add_arguments,
    run=_run,
    cluster_options=True,
    order=30,
)
