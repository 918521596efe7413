"""`ephemera cp SRC DEST`: its name, help and arguments; what it does (copy a file out of, or into,
a container through a debugger sharing its PID namespace, where `kubectl cp` needs tar in the
target) is `tui.commands.cp_run`."""

from __future__ import annotations

import argparse

from tui.commands import Subcommand, lazy_run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SRC", help="POD:PATH (or NAMESPACE/POD:PATH) to copy out, or a local file")
    parser.add_argument("destination", metavar="DEST", help="a local path, or POD:PATH to copy a local file in")
    parser.add_argument("-c", "--container", metavar="CONTAINER",
                        help="the container whose files to copy (kubectl cp's -c; default: the pod's first)")
    parser.add_argument("--debugger", metavar="NAME",
                        help="the debug container to copy through (default: the newest running one that "
                             "shares the container's process namespace)")
    parser.add_argument("--pid", type=int, metavar="PID",
                        help="the container's process as the debugger sees it (default: 1 for a targeted "
                             "debugger, found by the target-fs marker in a copy)")
    parser.add_argument("-y", "--yes", action="store_true",
                        help="overwrite an existing file without asking (needed without a terminal to ask on)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, only problems")


COMMAND = Subcommand(
    name="cp",
    help="copy files out of (and into) a container through a debugger: no tar needed in the target",
    description=(
        "kubectl cp runs tar in the target container; a distroless one has none. ephemera cp runs the "
        "copy in a debug container that shares the target's PID namespace (a targeted ephemeral "
        "container, e.g. `ephemera debug POD --target=app --durable`), reading /proc/<pid>/root/PATH: "
        "a file by cat, a directory by tar (in the debugger), and checks the sha256 (sha256sum in the "
        "debugger when it has one, else both ends of the stream hashed locally; the output says "
        "which). Copying a file in is a change to the cluster: first a pre-flight (RBAC for create "
        "pods/exec; a probe of the destination through the debugger, the dry run, as exec has no server "
        "dry run), then y/N before an existing file is overwritten (--yes without a terminal), and a "
        "line in the audit log."
    ),
    examples=[
        "ephemera cp slim-79487d6484-h4rss:/etc/os-release ./os-release -c app",
        "ephemera cp slim-79487d6484-h4rss:/app ./app-files -c app          # a directory (tar in the debugger)",
        "ephemera cp ./fix.py default/slim-79487d6484-h4rss:/tmp/fix.py -c app",
    ],
    add_arguments=add_arguments,
    run=lazy_run("tui.commands.cp_run"),
    cluster_options=True,
    all_namespaces=False,
    order=25,
)
