"""Pod validation as the API server does it, with its exact field-error strings.

Ported from kubernetes `pkg/apis/core/validation/validation.go` (`ValidatePodCreate`,
`ValidatePodEphemeralContainersUpdate`, `validateContainerCommon`, `validateEphemeralContainers`)
and apimachinery `pkg/util/validation/field` (error bodies) and `pkg/api/errors.NewInvalid`
(the 422 Status). Plain functions over plain pod JSON; no I/O.

Covered: container names (required, DNS-1123 label, duplicates across all container kinds),
image (required, no surrounding whitespace), terminationMessagePolicy / imagePullPolicy values,
ports (containerPort range), env names, volume mounts (volume must exist, mountPath required and
unique), volume devices, volume names, the ephemeral-container field allow-list (a field is set
when Go's DeepEqual with its zero value says so: `restartPolicy: ""` and `lifecycle: {}` are),
subPath / subPathExpr, targetContainerName, static pods, existing ephemeral containers removed /
changed, ephemeral containers on create, metadata.name, securityContext user / group ids and
procMount (containers and pod), the Windows hostProcess rule (validateWindowsHostProcessPod), and
a security-context field of the wrong JSON type (`decode_error`: refused as decoding refuses it).
Kubernetes' own cases for these are in tests/unit/test_validation_upstream.py. Not covered: probes,
lifecycle handlers, the allowPrivilegeEscalation conflicts (their message prints Go's %#v of the
struct, pointer addresses included), seccomp / AppArmor / windowsOptions values, resources
quantities, affinity and the rest of PodSpec.

Absent `terminationMessagePolicy` / `imagePullPolicy` are taken as defaulted (the server defaults
them before validating); an explicit empty string is still `Required value`.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from tui.demo.api.status import ApiError, status_object

__all__ = [
    "MIRROR_POD_ANNOTATION",
    "FieldError",
    "TypeMismatch",
    "apply_ephemeral_containers",
    "decode_error",
    "find_type_mismatch",
    "invalid_status",
    "parse_field_error",
    "unstructured_type",
    "validate_ephemeral_update",
    "validate_pod_create",
]

MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
EPHEMERAL_FORBIDDEN = "cannot be set for an Ephemeral Container"

# field.ErrorType: (the string in messages, the StatusCause reason)
_TYPES: dict[str, tuple[str, str]] = {
    "NotFound": ("Not found", "FieldValueNotFound"),
    "Required": ("Required value", "FieldValueRequired"),
    "Duplicate": ("Duplicate value", "FieldValueDuplicate"),
    "Invalid": ("Invalid value", "FieldValueInvalid"),
    "NotSupported": ("Unsupported value", "FieldValueNotSupported"),
    "Forbidden": ("Forbidden", "FieldValueForbidden"),
    "TooLong": ("Too long", "FieldValueTooLong"),
    "TooMany": ("Too many", "FieldValueTooMany"),
    "Internal": ("Internal error", "InternalError"),
}
# Error bodies of these types never print the bad value.
_NO_VALUE_TYPES = frozenset({"Required", "Forbidden", "TooLong", "Internal"})

_OMIT = object()

# Pointer fields of EphemeralContainerCommon holding scalars (`restartPolicy: ""` is set).
_POINTER_FIELDS = frozenset({"restartPolicy"})

# EphemeralContainerCommon's fields in declaration order; False: forbidden for ephemeral containers.
_EPHEMERAL_FIELDS: tuple[tuple[str, bool], ...] = (
    ("name", True),
    ("image", True),
    ("command", True),
    ("args", True),
    ("workingDir", True),
    ("ports", False),
    ("envFrom", True),
    ("env", True),
    ("resources", False),
    ("resizePolicy", False),
    ("restartPolicy", False),
    ("restartPolicyRules", False),
    ("volumeMounts", True),
    ("volumeDevices", True),
    ("livenessProbe", False),
    ("readinessProbe", False),
    ("startupProbe", False),
    ("lifecycle", False),
    ("terminationMessagePath", True),
    ("terminationMessagePolicy", True),
    ("imagePullPolicy", True),
    ("securityContext", True),
    ("stdin", True),
    ("stdinOnce", True),
    ("tty", True),
)

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + r"(\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_LABEL_RE = re.compile("^" + _DNS1123_LABEL_FMT + "$")
_DNS1123_SUBDOMAIN_RE = re.compile("^" + _DNS1123_SUBDOMAIN_FMT + "$")
_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)


def _regex_error(message: str, fmt: str, *examples: str) -> str:
    """apimachinery's RegexError, double space after the first example included."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    text = message + " (e.g. "
    for index, example in enumerate(examples):
        if index > 0:
            text += " or "
        text += f"'{example}', "
    return text + f"regex used for validation is '{fmt}')"


def _go_quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class FieldError:
    """One `field.Error`: `str()` gives `<field>: <body>` exactly as the API server prints it."""

    field: str
    type: str  # a key of _TYPES: "Forbidden", "NotFound", ...
    detail: str = ""
    bad_value: Any = dc_field(default=_OMIT, compare=False)
    raw_body: str | None = None  # set when parsed back from a message: the body as it was


    @property
    def reason(self) -> str:
        return _TYPES[self.type][1]

    @property
    def body(self) -> str:
        if self.raw_body is not None:
            return self.raw_body
        label = _TYPES[self.type][0]
        if self.type in _NO_VALUE_TYPES or self.bad_value is _OMIT:
            text = label
        else:
            value = self.bad_value
            if value is None:
                text = f"{label}: null"
            elif isinstance(value, bool):
                text = f"{label}: {'true' if value else 'false'}"
            elif isinstance(value, (int, float)):
                text = f"{label}: {value}"
            elif isinstance(value, str):
                text = f"{label}: {_go_quote(value)}"
            else:
                text = f"{label}: {json.dumps(value, sort_keys=True)}"
        if self.detail:
            text += f": {self.detail}"
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body}"


# --------------------------------------------------------------------------- constructors


def _required(path: str, detail: str = "") -> FieldError:
    return FieldError(path, "Required", detail)


def _forbidden(path: str, detail: str) -> FieldError:
    return FieldError(path, "Forbidden", detail)


def _not_found(path: str, value: Any) -> FieldError:
    return FieldError(path, "NotFound", bad_value=value)


def _duplicate(path: str, value: Any) -> FieldError:
    return FieldError(path, "Duplicate", bad_value=value)


def _invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError(path, "Invalid", detail, value)


def _not_supported(path: str, value: Any, supported: list[str]) -> FieldError:
    detail = "supported values: " + ", ".join(_go_quote(s) for s in supported)
    return FieldError(path, "NotSupported", detail, value)


# --------------------------------------------------------------------------- name formats


def dns1123_label_errors(value: str) -> list[str]:
    errors: list[str] = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _DNS1123_LABEL_RE.match(value):
        if _DNS1123_SUBDOMAIN_RE.match(value):
            errors.append("must not contain dots")
        else:
            errors.append(_regex_error(_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errors


def dns1123_subdomain_errors(value: str) -> list[str]:
    errors: list[str] = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN_RE.match(value):
        errors.append(_regex_error(_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errors


# --------------------------------------------------------------------------- containers


# EphemeralContainerCommon fields that are structs (not pointers, slices or maps) in Go: zero when
# every field of theirs is; the others (pointers, slices) are set as soon as they are not null.
_STRUCT_FIELDS = frozenset({"resources"})


def _is_set(field_name: str, value: Any) -> bool:
    """Whether a field differs from its Go zero value, as validateFieldAllowList's reflect.DeepEqual
    sees it after decoding: a pointer (`restartPolicy`, probes, `lifecycle`), slice or map is set
    when present and not null, even `""`, `{}` or `[]`; a struct when one of its fields is."""
    if value is None:
        return False
    if field_name in _STRUCT_FIELDS and isinstance(value, dict):
        return any(item is not None for item in value.values())
    if isinstance(value, (str, bool, int, float)) and field_name not in _POINTER_FIELDS:
        return value not in ("", False, 0)
    return True


def _validate_volume_mounts(container: dict[str, Any], volumes: set[str], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    device_names = {d.get("name") for d in container.get("volumeDevices") or []}
    device_paths = {d.get("devicePath") for d in container.get("volumeDevices") or []}
    seen_paths: set[str] = set()
    for index, mount in enumerate(container.get("volumeMounts") or []):
        item = f"{path}[{index}]"
        name = mount.get("name") or ""
        mount_path = mount.get("mountPath") or ""
        if not name:
            errors.append(_required(f"{item}.name"))
        if name not in volumes:
            errors.append(_not_found(f"{item}.name", name))
        if not mount_path:
            errors.append(_required(f"{item}.mountPath"))
        if mount_path in seen_paths:
            errors.append(_invalid(f"{item}.mountPath", mount_path, "must be unique"))
        seen_paths.add(mount_path)
        if name in device_names:
            errors.append(_invalid(f"{item}.name", name, "must not already exist in volumeDevices"))
        if mount_path in device_paths:
            errors.append(_invalid(f"{item}.mountPath", mount_path, "must not already exist as a path in volumeDevices"))
    return errors


def _validate_volume_devices(container: dict[str, Any], volumes: dict[str, dict[str, Any]], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    mounts = {m.get("name"): m.get("mountPath") for m in container.get("volumeMounts") or []}
    names: set[str] = set()
    paths: set[str] = set()
    for index, device in enumerate(container.get("volumeDevices") or []):
        item = f"{path}[{index}]"
        name = device.get("name") or ""
        device_path = device.get("devicePath") or ""
        if not name:
            errors.append(_required(f"{item}.name"))
        if name in names:
            errors.append(_invalid(f"{item}.name", name, "must be unique"))
        if name in volumes and "persistentVolumeClaim" not in volumes[name]:
            errors.append(_invalid(f"{item}.name", name, "can only use volume source type of PersistentVolumeClaim for block mode"))
        if name not in volumes:
            errors.append(_not_found(f"{item}.name", name))
        if not device_path:
            errors.append(_required(f"{item}.devicePath"))
        if device_path in paths:
            errors.append(_invalid(f"{item}.devicePath", device_path, "must be unique"))
        if device_path and ".." in device_path.split("/"):
            errors.append(_invalid(f"{item}.devicePath", device_path, "can not contain backsteps ('..')"))
        else:
            paths.add(device_path)
        if name in mounts:
            errors.append(_invalid(f"{item}.name", name, "must not already exist in volumeMounts"))
        if device_path in mounts.values():
            errors.append(_invalid(f"{item}.devicePath", device_path, "must not already exist as a path in volumeMounts"))
        if name:
            names.add(name)
    return errors


def _validate_ports(container: dict[str, Any], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    names: set[str] = set()
    for index, port in enumerate(container.get("ports") or []):
        item = f"{path}[{index}]"
        name = port.get("name") or ""
        if name:
            if name in names:
                errors.append(_duplicate(f"{item}.name", name))
            names.add(name)
        number = port.get("containerPort") or 0
        if number == 0:
            errors.append(_required(f"{item}.containerPort"))
        elif not 1 <= int(number) <= 65535:
            errors.append(_invalid(f"{item}.containerPort", number, "must be between 1 and 65535, inclusive"))
        protocol = port.get("protocol")
        if protocol is not None and protocol not in ("TCP", "UDP", "SCTP"):
            if protocol == "":
                errors.append(_required(f"{item}.protocol"))
            else:
                errors.append(_not_supported(f"{item}.protocol", protocol, ["SCTP", "TCP", "UDP"]))
    return errors


_MAX_ID = 2147483647  # validation.IsValidUserID / IsValidGroupID: 0 .. math.MaxInt32
_ID_RANGE = f"must be between 0 and {_MAX_ID}, inclusive"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_id(value: Any, path: str) -> list[FieldError]:
    if _is_int(value) and not 0 <= value <= _MAX_ID:
        return [_invalid(path, value, _ID_RANGE)]
    return []


def _host_users(spec: dict[str, Any]) -> bool:
    """Whether the pod uses the host's user namespace (`spec.hostUsers` unset or true)."""
    return spec.get("hostUsers") is not False


def _validate_security_context(context: Any, path: str, host_users: bool) -> list[FieldError]:
    """ValidateSecurityContext: user and group ids, procMount. (The `allowPrivilegeEscalation`
    conflicts print Go's %#v of the whole struct with pointer addresses; not reproduced.)"""
    if not isinstance(context, dict):
        return []
    errors = _validate_id(context.get("runAsUser"), f"{path}.runAsUser")
    errors += _validate_id(context.get("runAsGroup"), f"{path}.runAsGroup")
    proc_mount = context.get("procMount")
    if proc_mount is not None:
        if proc_mount not in ("Default", "Unmasked"):
            errors.append(_not_supported(f"{path}.procMount", proc_mount, ["Default", "Unmasked"]))
        if host_users and proc_mount == "Unmasked":
            errors.append(_invalid(f"{path}.procMount", proc_mount, "`hostUsers` must be false to use `Unmasked`"))
    return errors


def _validate_pod_security_context(spec: dict[str, Any], path: str) -> list[FieldError]:
    """validatePodSpecSecurityContext: fsGroup, runAsUser, runAsGroup, supplementalGroups."""
    context = spec.get("securityContext")
    if not isinstance(context, dict):
        return []
    errors = _validate_id(context.get("fsGroup"), f"{path}.fsGroup")
    errors += _validate_id(context.get("runAsUser"), f"{path}.runAsUser")
    errors += _validate_id(context.get("runAsGroup"), f"{path}.runAsGroup")
    for index, group in enumerate(context.get("supplementalGroups") or []):
        errors += _validate_id(group, f"{path}.supplementalGroups[{index}]")
    return errors


def _validate_windows_host_process(spec: dict[str, Any], path: str) -> list[FieldError]:
    """validateWindowsHostProcessPod: a pod with a HostProcess container has only HostProcess
    containers (init, regular and ephemeral; set or inherited from the pod) and hostNetwork.
    The cluster allows privileged pods (kube-apiserver --allow-privileged=true, as kind and kubeadm
    run it), so "disallowed by cluster policy" is never raised."""
    errors: list[FieldError] = []
    pod_options = (spec.get("securityContext") or {}).get("windowsOptions") or {}
    pod_host_process = pod_options.get("hostProcess")
    host_network = spec.get("hostNetwork") is True
    count = host_process_count = 0
    for kind in ("initContainers", "containers", "ephemeralContainers"):
        for index, container in enumerate(spec.get(kind) or []):
            count += 1
            options = ((container.get("securityContext") or {}).get("windowsOptions") or {}) if isinstance(container, dict) else {}
            container_host_process = options.get("hostProcess")
            if pod_host_process is not None and container_host_process is not None and pod_host_process != container_host_process:
                detail = f"pod hostProcess value must be identical if both are specified, was {'true' if pod_host_process else 'false'}"
                errors.append(_invalid(f"{path}.{kind}[{index}].securityContext.windowsOptions.hostProcess",
                                       container_host_process, detail))
            if container_host_process is True or (container_host_process is None and pod_host_process is True):
                host_process_count += 1
    if host_process_count:
        if host_process_count != count:
            errors.append(_invalid(path, "", "If pod contains any hostProcess containers then all containers must be HostProcess containers"))
        if not host_network:
            errors.append(_invalid(f"{path}.hostNetwork", False, "hostNetwork must be true if pod contains any hostProcess containers"))
    return errors


def _validate_container_common(
    container: dict[str, Any], volumes: dict[str, dict[str, Any]], path: str, host_users: bool = True
) -> list[FieldError]:
    errors: list[FieldError] = []
    name = container.get("name") or ""
    if not name:
        errors.append(_required(f"{path}.name"))
    else:
        errors.extend(_invalid(f"{path}.name", name, message) for message in dns1123_label_errors(name))
    if not container.get("image"):
        errors.append(_required(f"{path}.image"))
    if "terminationMessagePolicy" in container:
        policy = container["terminationMessagePolicy"]
        if not policy:
            errors.append(_required(f"{path}.terminationMessagePolicy"))
        elif policy not in ("File", "FallbackToLogsOnError"):
            errors.append(_not_supported(f"{path}.terminationMessagePolicy", policy, ["File", "FallbackToLogsOnError"]))
    errors.extend(_validate_ports(container, f"{path}.ports"))
    for index, env in enumerate(container.get("env") or []):
        if not env.get("name"):
            errors.append(_required(f"{path}.env[{index}].name"))
    errors.extend(_validate_volume_mounts(container, set(volumes), f"{path}.volumeMounts"))
    errors.extend(_validate_volume_devices(container, volumes, f"{path}.volumeDevices"))
    if "imagePullPolicy" in container:
        pull = container["imagePullPolicy"]
        if not pull:
            errors.append(_required(f"{path}.imagePullPolicy"))
        elif pull not in ("Always", "IfNotPresent", "Never"):
            errors.append(_not_supported(f"{path}.imagePullPolicy", pull, ["Always", "IfNotPresent", "Never"]))
    errors.extend(_validate_security_context(container.get("securityContext"), f"{path}.securityContext", host_users))
    return errors


def _validate_image_whitespace(container: dict[str, Any], path: str) -> list[FieldError]:
    image = container.get("image") or ""
    if isinstance(image, str) and image != image.strip():
        return [_invalid(f"{path}.image", image, "must not have leading or trailing whitespace")]
    return []


def _checked_container(
    container: dict[str, Any],
    volumes: dict[str, dict[str, Any]],
    item: str,
    seen: set[str],
    record_empty: bool = True,
    host_users: bool = True,
) -> list[FieldError]:
    """validateContainerCommon, the image whitespace check and name uniqueness against `seen`."""
    errors = _validate_container_common(container, volumes, item, host_users) + _validate_image_whitespace(container, item)
    name = container.get("name") or ""
    if name in seen:
        errors.append(_duplicate(f"{item}.name", name))
    elif name or record_empty:
        seen.add(name)
    return errors


def _validate_containers(
    containers: list[dict[str, Any]], volumes: dict[str, dict[str, Any]], path: str, host_users: bool = True
) -> list[FieldError]:
    if not containers:
        return [_required(path)]
    errors: list[FieldError] = []
    names: set[str] = set()
    for index, container in enumerate(containers):
        item = f"{path}[{index}]"
        errors.extend(_checked_container(container, volumes, item, names, host_users=host_users))
        if container.get("restartPolicy") is not None:
            errors.append(_forbidden(f"{item}.restartPolicy", "may not be set for non-init containers"))
    return errors


def _validate_init_containers(
    init: list[dict[str, Any]],
    regular: list[dict[str, Any]],
    volumes: dict[str, dict[str, Any]],
    path: str,
    host_users: bool = True,
) -> list[FieldError]:
    errors: list[FieldError] = []
    names = {c.get("name") or "" for c in regular}
    for index, container in enumerate(init):
        item = f"{path}[{index}]"
        errors.extend(_checked_container(container, volumes, item, names, record_empty=False, host_users=host_users))
        restart = container.get("restartPolicy")
        if restart is not None and restart != "Always":
            errors.append(_not_supported(f"{item}.restartPolicy", restart, ["Always"]))
        if restart != "Always":
            for probe in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(probe) is not None:
                    errors.append(_forbidden(f"{item}.{probe}", "may not be set for init containers without restartPolicy=Always"))
    return errors


def _validate_ephemeral_containers(
    ephemeral: list[dict[str, Any]],
    regular: list[dict[str, Any]],
    init: list[dict[str, Any]],
    volumes: dict[str, dict[str, Any]],
    path: str,
    host_users: bool = True,
) -> list[FieldError]:
    errors: list[FieldError] = []
    if not ephemeral:
        return errors
    other_names = {c.get("name") or "" for c in [*regular, *init]}
    all_names = set(other_names)
    for index, container in enumerate(ephemeral):
        item = f"{path}[{index}]"
        errors.extend(_checked_container(container, volumes, item, all_names, host_users=host_users))
        target = container.get("targetContainerName") or ""
        if target and target not in other_names:
            errors.append(_not_found(f"{item}.targetContainerName", target))
        for field_name, allowed in _EPHEMERAL_FIELDS:
            if not allowed and _is_set(field_name, container.get(field_name)):
                errors.append(_forbidden(f"{item}.{field_name}", EPHEMERAL_FORBIDDEN))
        for mount_index, mount in enumerate(container.get("volumeMounts") or []):
            if mount.get("subPath"):
                errors.append(_forbidden(f"{item}.volumeMounts[{mount_index}].subPath", EPHEMERAL_FORBIDDEN))
            if mount.get("subPathExpr"):
                errors.append(_forbidden(f"{item}.volumeMounts[{mount_index}].subPathExpr", EPHEMERAL_FORBIDDEN))
    return errors


def _validate_volumes(volumes: list[dict[str, Any]], path: str) -> tuple[dict[str, dict[str, Any]], list[FieldError]]:
    errors: list[FieldError] = []
    valid: dict[str, dict[str, Any]] = {}
    for index, volume in enumerate(volumes):
        name = volume.get("name") or ""
        own: list[FieldError] = []
        if not name:
            own.append(_required(f"{path}[{index}].name"))
        else:
            own.extend(_invalid(f"{path}[{index}].name", name, m) for m in dns1123_label_errors(name))
        if name in valid:
            own.append(_duplicate(f"{path}[{index}].name", name))
        if own:
            errors.extend(own)
        else:
            valid[name] = volume
    return valid, errors


def _validate_metadata(pod: dict[str, Any]) -> list[FieldError]:
    metadata = pod.get("metadata") or {}
    name = metadata.get("name") or ""
    if not name:
        if metadata.get("generateName"):
            return []
        return [_required("metadata.name", "name or generateName is required")]
    return [_invalid("metadata.name", name, message) for message in dns1123_subdomain_errors(name)]


def _validate_pod_spec(pod: dict[str, Any]) -> list[FieldError]:
    spec = pod.get("spec") or {}
    volumes, errors = _validate_volumes(spec.get("volumes") or [], "spec.volumes")
    regular = spec.get("containers") or []
    init = spec.get("initContainers") or []
    host_users = _host_users(spec)
    errors.extend(_validate_containers(regular, volumes, "spec.containers", host_users))
    errors.extend(_validate_init_containers(init, regular, volumes, "spec.initContainers", host_users))
    errors.extend(
        _validate_ephemeral_containers(
            spec.get("ephemeralContainers") or [], regular, init, volumes, "spec.ephemeralContainers", host_users
        )
    )
    errors.extend(_validate_pod_security_context(spec, "spec.securityContext"))
    errors.extend(_validate_windows_host_process(spec, "spec"))
    return errors


# --------------------------------------------------------------------------- decoding

# Scalar fields whose JSON type the demo checks, in Go struct order: (field, Go type).
_SECURITY_CONTEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("privileged", "bool"),
    ("runAsUser", "int64"),
    ("runAsGroup", "int64"),
    ("runAsNonRoot", "bool"),
    ("readOnlyRootFilesystem", "bool"),
    ("allowPrivilegeEscalation", "bool"),
    ("procMount", "string"),
)
_POD_SECURITY_CONTEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("runAsUser", "int64"),
    ("runAsGroup", "int64"),
    ("runAsNonRoot", "bool"),
    ("fsGroup", "int64"),
)


def _json_kind(value: Any) -> str:
    """encoding/json's name of a JSON value in an UnmarshalTypeError."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def unstructured_type(value: Any) -> str:
    """The Go type of a decoded JSON value in an unstructured map (ints stay int64)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "[]interface {}" if isinstance(value, list) else "map[string]interface {}"


@dataclass(frozen=True)
class TypeMismatch:
    """A value of the wrong JSON type for its API field (`runAsUser: "root"`)."""

    path: str  # JSON field names from the object, no indexes: spec.containers.securityContext.runAsUser
    struct: str  # the Go struct that has the field
    go_type: str
    value: Any

    def json_error(self) -> str:
        """What decoding a JSON body says (encoding/json's UnmarshalTypeError)."""
        kind = _json_kind(self.value)
        if kind == "number" and self.go_type == "int64":
            kind = f"number {self.value}"
        return f"json: cannot unmarshal {kind} into Go struct field {self.struct}.{self.path} of type {self.go_type}"

    def converter_error(self) -> str:
        """What converting a patched map says (runtime.DefaultUnstructuredConverter)."""
        source = unstructured_type(self.value)
        # reflect's ConvertibleTo: between numbers, and an integer to a string
        if (source == "int64" and self.go_type == "string") or (source == "float64" and self.go_type == "int64"):
            return f"cannot convert {source} to {self.go_type}"
        return f"unrecognized type: {self.go_type}"


def _mismatch(value: Any, go_type: str) -> bool:
    if value is None:
        return False
    if go_type == "bool":
        return not isinstance(value, bool)
    if go_type == "string":
        return not isinstance(value, str)
    if isinstance(value, float):
        return not value.is_integer()
    return not _is_int(value)


def _struct_mismatch(context: Any, fields: tuple[tuple[str, str], ...], path: str, struct: str) -> TypeMismatch | None:
    if not isinstance(context, dict):
        return None
    for name, go_type in fields:
        if _mismatch(context.get(name), go_type):
            return TypeMismatch(f"{path}.{name}", struct, go_type, context[name])
    return None


def _spec_mismatch(spec: Any, path: str) -> TypeMismatch | None:
    if not isinstance(spec, dict):
        return None
    for kind in ("initContainers", "containers", "ephemeralContainers"):
        containers = spec.get(kind)
        for container in containers if isinstance(containers, list) else []:
            if isinstance(container, dict):
                found = _struct_mismatch(container.get("securityContext"), _SECURITY_CONTEXT_FIELDS,
                                         f"{path}.{kind}.securityContext", "SecurityContext")
                if found is not None:
                    return found
    return _struct_mismatch(spec.get("securityContext"), _POD_SECURITY_CONTEXT_FIELDS,
                            f"{path}.securityContext", "PodSecurityContext")


def find_type_mismatch(obj: Any) -> TypeMismatch | None:
    """The first security-context field of a pod (or of a workload's pod template at
    spec.template.spec) whose JSON type its API type cannot take; None when all fit."""
    if not isinstance(obj, dict):
        return None
    spec = obj.get("spec")
    found = _spec_mismatch(spec, "spec")
    if found is None and isinstance(spec, dict) and isinstance(spec.get("template"), dict):
        found = _spec_mismatch(spec["template"].get("spec"), "spec.template.spec")
    return found


def decode_error(kind: str, obj: Any, version: str = "v1") -> ApiError | None:
    """The 400 an API server answers a JSON body with when a field has the wrong type:
    `Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct
    field SecurityContext.spec.containers.securityContext.runAsUser of type int64`."""
    mismatch = find_type_mismatch(obj)
    if mismatch is None:
        return None
    return ApiError(400, f"{kind} in version {_go_quote(version)} cannot be handled as a {kind}: {mismatch.json_error()}",
                    "BadRequest")


# --------------------------------------------------------------------------- entry points


def validate_pod_create_errors(pod: dict[str, Any]) -> list[FieldError]:
    """`ValidatePodCreate` as FieldError objects. A field of the wrong JSON type is refused first,
    as decoding the request refuses it (raises the 400 ApiError of `decode_error`)."""
    refused = decode_error("Pod", pod)
    if refused is not None:
        raise refused
    errors = _validate_metadata(pod) + _validate_pod_spec(pod)
    if (pod.get("spec") or {}).get("ephemeralContainers"):
        errors.append(_forbidden("spec.ephemeralContainers", "cannot be set on create"))
    return errors


def validate_pod_create(pod: dict[str, Any]) -> list[str]:
    """Causes for a new pod (e.g. `spec.ephemeralContainers: Forbidden: cannot be set on create`)."""
    return [str(error) for error in validate_pod_create_errors(pod)]


def _go_field(key: str) -> str:
    return key[:1].upper() + key[1:]


def _change_diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    """A go-cmp style diff of two ephemeral containers (go-cmp's output is deliberately unstable)."""
    lines = ["  core.EphemeralContainer{"]
    same = 0
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            same += 1
            continue
        if key in old:
            lines.append(f"- \t{_go_field(key)}: {json.dumps(old[key], sort_keys=True)},")
        if key in new:
            lines.append(f"+ \t{_go_field(key)}: {json.dumps(new[key], sort_keys=True)},")
    if same:
        lines.append(f"  \t... // {same} identical fields")
    lines.append("  }")
    return "\n".join(lines) + "\n"


def validate_ephemeral_update_errors(old_pod: dict[str, Any], new_pod: dict[str, Any]) -> list[FieldError]:
    """`ValidatePodEphemeralContainersUpdate` as FieldError objects. A field of the wrong JSON type
    is refused first (raises the 400 ApiError of `decode_error`; a strategic merge patch is refused
    before this, by `apply_strategic_merge_patch`, with the 422 the server gives a patch)."""
    refused = decode_error("Pod", new_pod)
    if refused is not None:
        raise refused
    annotations = (old_pod.get("metadata") or {}).get("annotations") or {}
    errors = _validate_metadata(new_pod) + _validate_pod_spec(new_pod)
    if MIRROR_POD_ANNOTATION in annotations:
        # field.NewPath("") prints as "[]"; this error replaces every other one.
        return [_forbidden("[]", "static pods do not support ephemeral containers")]
    new_by_name = {c.get("name"): c for c in (new_pod.get("spec") or {}).get("ephemeralContainers") or []}
    for old in (old_pod.get("spec") or {}).get("ephemeralContainers") or []:
        name = old.get("name") or ""
        new = new_by_name.get(name)
        if new is None:
            errors.append(_forbidden("spec.ephemeralContainers", f"existing ephemeral containers {_go_quote(name)} may not be removed\n"))
        elif new != old:
            errors.append(
                _forbidden(
                    "spec.ephemeralContainers",
                    f"existing ephemeral containers {_go_quote(name)} may not be changed\n{_change_diff(old, new)}",
                )
            )
    return errors


def validate_ephemeral_update(old_pod: dict[str, Any], new_pod: dict[str, Any]) -> list[str]:
    """Causes for an update through `pods/{name}/ephemeralcontainers`; empty when it is valid.

    `new_pod` is the pod after the patch/PUT with only `spec.ephemeralContainers` taken from the
    request (see `apply_ephemeral_containers`).
    """
    return [str(error) for error in validate_ephemeral_update_errors(old_pod, new_pod)]


def apply_ephemeral_containers(old_pod: dict[str, Any], requested: dict[str, Any]) -> dict[str, Any]:
    """What the ephemeralcontainers subresource stores: the old pod with only
    `spec.ephemeralContainers` taken from the requested object (everything else is ignored)."""
    result = copy.deepcopy(old_pod)
    containers = (requested.get("spec") or {}).get("ephemeralContainers")
    spec = result.setdefault("spec", {})
    if containers:
        spec["ephemeralContainers"] = copy.deepcopy(containers)
    else:
        spec.pop("ephemeralContainers", None)
    return result


# --------------------------------------------------------------------------- Status


def parse_field_error(text: str) -> FieldError:
    """Turn `field: Body: detail` back into a FieldError (the inverse of `str(FieldError)`)."""
    field_path, separator, body = text.partition(": ")
    if not separator:
        return FieldError("", "Invalid", text)
    for type_key, (label, _reason) in sorted(_TYPES.items(), key=lambda item: -len(item[1][0])):
        if body == label:
            return FieldError(field_path, type_key)
        if body.startswith(label + ": "):
            return FieldError(field_path, type_key, raw_body=body)
    return FieldError(field_path, "Invalid", raw_body=body)


def _aggregate(messages: list[str]) -> str:
    """apimachinery's aggregate error text: one message bare, several `[a, b]`, duplicates once."""
    unique: list[str] = []
    for message in messages:
        if message not in unique:
            unique.append(message)
    if len(unique) == 1:
        return unique[0]
    return "[" + ", ".join(unique) + "]"


def invalid_status(kind: str, name: str, causes: list[str] | list[FieldError], group: str = "") -> dict[str, Any]:
    """The 422 Status of `errors.NewInvalid`: `Pod "p" is invalid: ...`, reason Invalid,
    details {name, kind, causes[{reason, message, field}]}."""
    errors = [c if isinstance(c, FieldError) else parse_field_error(c) for c in causes]
    qualified = f"{kind}.{group}" if group else kind
    if errors:
        message = f"{qualified} {_go_quote(name)} is invalid: {_aggregate([str(e) for e in errors])}"
    else:
        message = f"{qualified} {_go_quote(name)} is invalid"
    detail_causes: list[dict[str, str]] = []
    for error in errors:
        cause = {"reason": error.reason, "message": error.body}
        if error.field:
            cause["field"] = error.field
        detail_causes.append(cause)
    details: dict[str, Any] = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = kind
    details["causes"] = detail_causes
    return status_object(422, message, "Invalid", details)
