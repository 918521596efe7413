"""`ephemera serve`: its name, help and arguments; serving the TUI in a web browser through
textual-serve, behind a per-run secret, is `tui.commands.serve_run`."""

from __future__ import annotations

import argparse

from tui.commands import Subcommand, lazy_run
from tui.paths import CONFIG_ENV


def add_arguments(parser: argparse.ArgumentParser) -> None:
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


COMMAND = Subcommand(
    name="serve",
    help="serve the TUI in a web browser (textual-serve), e.g. to demo it to teammates",
    description=(
        "Serve Ephemera in a web browser with textual-serve: every browser tab runs its own Ephemera. "
        "It prints a URL holding a per-run secret (http://127.0.0.1:8000/?token=...): open it, and keep it "
        "secret, since whoever has it gets the power of your cluster credentials. It listens on loopback by "
        "default (other users of this machine can still connect: the secret keeps them out); listening on "
        "any other address asks for confirmation (or --yes)."
    ),
    examples=[
        "ephemera serve --demo                      # open the http://127.0.0.1:8000/?token=... it prints",
        "ephemera serve --context staging -n shop   # your cluster, loopback only",
        "ssh -L 8000:127.0.0.1:8000 HOST            # reach a remote `ephemera serve` safely",
    ],
    add_arguments=add_arguments,
    run=lazy_run("tui.commands.serve_run"),
    cluster_options=True,
    order=30,
)
