"""`ephemera cleanup [-n NS | -A] [--yes] [--dry-run]`: its name, help and arguments; what it does
(delete the pod copies Ephemera made, exactly those) is `tui.commands.cleanup_run`."""

from __future__ import annotations

import argparse

from tui.commands import Subcommand, lazy_run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-y", "--yes", action="store_true", help="delete without asking")
    parser.add_argument("--dry-run", action="store_true", help="list what would be deleted; delete nothing")


COMMAND = Subcommand(
    name="cleanup",
    help="delete the pod copies ephemera made (label app.kubernetes.io/managed-by=ephemera)",
    description=(
        "List the pods Ephemera created with `debug --copy-to` (label app.kubernetes.io/managed-by="
        "ephemera, with their source pod and age) and delete them after confirmation. Nothing "
        "without the label is ever deleted."
    ),
    examples=[
        "ephemera cleanup                 # the context's namespace",
        "ephemera cleanup -A --dry-run    # what would go, everywhere",
        "ephemera cleanup -n staging --yes",
    ],
    add_arguments=add_arguments,
    run=lazy_run("tui.commands.cleanup_run"),
    cluster_options=True,
    order=30,
)
