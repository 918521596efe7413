"""Planning debug containers: plain functions, no I/O, no Textual, no network.

API in brief (details in each module's docstring):

    from tui.debug import DebugRequest, Mode, Profile, plan
    request = DebugRequest(namespace="default", pod="slim-x", mode=Mode.TARGET, target="app")
    p = plan(request, pod_dict)           # raises PlanError for an invalid request
    p.requests                            # [PlannedRequest(method, path, content_type, body, query)]
    p.dry_run_requests()                  # the same with ?dryRun=All, for the pre-flight verdict
    p.container_name, p.pod_name          # where to attach
    p.kubectl_command_text                # `kubectl debug slim-x -n default -it --image=busybox ...`
    p.kubectl_custom_json                 # the --custom file, for what kubectl has no flag for
    p.warnings, p.messages, p.requires_confirmation, p.confirmation_reasons

Modules: `request` (DebugRequest, Mode, Profile, CopyOptions, KeepFlags, SecurityOverrides,
VolumeMount), `names` (debugger-xxxxx, <pod>-debug-xxxxx), `profiles` (kubectl's profiles),
`overrides` (security overrides, mounts), `custom` (the --custom partial spec), `target_fs`
(the target filesystem helper), `legacy` (the 1.16-1.21 API), `planned_request`
(PlannedRequest), `kubectl_command` (argv both ways), `planner` (plan, DebugPlan), `confirmation`
(the one rule for what asks first: root on the node).
"""

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.debug.errors import PlanError
    from tui.debug.planned_request import PlannedRequest
    from tui.debug.planner import (
        CREATED_AT_ANNOTATION,
        MANAGED_BY_LABEL,
        MANAGED_BY_VALUE,
        SOURCE_POD_ANNOTATION,
        DebugPlan,
        plan,
    )
    from tui.debug.request import (
        DEFAULT_IMAGE,
        DEFAULT_PROFILE,
        CopyOptions,
        DebugRequest,
        KeepFlags,
        Mode,
        Profile,
        SecurityOverrides,
        VolumeMount,
    )

# The names above, imported from their module when first asked for: `tui.settings` reads
# `tui.debug.request`, and importing this package must not import the planner with it (issue 15:
# the first screen does not plan anything).
_MODULE_OF = {
    "PlanError": "errors",
    "PlannedRequest": "planned_request",
    **dict.fromkeys(("CREATED_AT_ANNOTATION", "MANAGED_BY_LABEL", "MANAGED_BY_VALUE", "SOURCE_POD_ANNOTATION",
                     "DebugPlan", "plan"), "planner"),
    **dict.fromkeys(("DEFAULT_IMAGE", "DEFAULT_PROFILE", "CopyOptions", "DebugRequest", "KeepFlags", "Mode",
                     "Profile", "SecurityOverrides", "VolumeMount"), "request"),
}


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "CREATED_AT_ANNOTATION",
    "DEFAULT_IMAGE",
    "DEFAULT_PROFILE",
    "MANAGED_BY_LABEL",
    "MANAGED_BY_VALUE",
    "SOURCE_POD_ANNOTATION",
    "CopyOptions",
    "DebugPlan",
    "DebugRequest",
    "KeepFlags",
    "Mode",
    "PlanError",
    "PlannedRequest",
    "Profile",
    "SecurityOverrides",
    "VolumeMount",
    "plan",
]
