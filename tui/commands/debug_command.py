"""`ephemera debug POD ...` and `ephemera debug node/NAME ...`: its name, help and description (the
arguments are `tui.commands.debug_arguments`; what it does `tui.commands.debug_node_run`, which
debugs a node itself and hands a pod to `tui.commands.debug_run`)."""

from __future__ import annotations

from tui.commands import Subcommand, lazy_arguments, lazy_run

COMMAND = Subcommand(
    name="debug",
    help="add a debug container to a pod, or debug a node (kubectl debug's flags), with pre-flight checks",
    description=(
        "Debug a pod with an ephemeral container (shared network, or --target a container's "
        "processes) or a copy of the pod (--copy-to). Takes kubectl debug's flags with kubectl's "
        "spellings; checks RBAC, Pod Security, the node and the image first and asks the server for "
        "a dry run of the exact request; then creates, waits and opens the TUI on the new debug "
        "session (--raw-attach: attach in this terminal; --no-attach or --attach=false: print how to "
        "attach instead). node/NAME debugs a node as kubectl does: a pod on it in the host's "
        "namespaces with its filesystem at /host (asks first: root on the node). Every change is "
        "recorded in the audit log."
    ),
    examples=[
        "ephemera debug slim-79487d6484-h4rss --target=app --image=busybox",
        "ephemera debug web-5d9c7b8f4-m4k8p -it --image=busybox --copy-to=web-debug --same-node",
        "ephemera debug nonroot-app --image=busybox --run-as-user=65532 --no-attach",
        "ephemera debug slim-79487d6484-h4rss --dry-run            # print the exact HTTP requests",
        "ephemera debug vault-agent-0 -n secure --policy-audit     # which profiles does the cluster admit?",
        "ephemera debug node/demo-node-1 -it --image=busybox       # a shell on the node (/host, its processes)",
    ],
    add_arguments=lazy_arguments("tui.commands.debug_arguments"),
    run=lazy_run("tui.commands.debug_node_run"),
    cluster_options=True,
    all_namespaces=False,  # one pod: -n names its namespace
    order=20,
)
