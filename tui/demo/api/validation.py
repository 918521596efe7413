"""Pod validation as the API server does it, with its exact field-error strings.

Ported from kubernetes `pkg/apis/core/validation/validation.go` (`ValidatePodCreate`,
`ValidatePodEphemeralContainersUpdate`, `validateContainerCommon`, `validateEphemeralContainers`)
and apimachinery `pkg/util/validation/field` (error bodies) and `pkg/api/errors.NewInvalid`
(the 422 Status). Plain functions over plain pod JSON; no I/O.

Covered: container names (required, DNS-1123 label, duplicates across all container kinds),
image (required, no surrounding whitespace), terminationMessagePolicy / imagePullPolicy values,
ports (containerPort range), env names, volume mounts (volume must exist, mountPath required and
unique), volume devices, volume names, the ephemeral-container field allow-list, subPath /
subPathExpr, targetContainerName, static pods, existing ephemeral containers removed / changed,
ephemeral containers on create, metadata.name. Not covered: probes, lifecycle handlers,
securityContext value checks, resources quantities, affinity and the rest of PodSpec.

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

from tui.demo.api.status import status_object

__all__ = [
    "MIRROR_POD_ANNOTATION",
    "FieldError",
    "apply_ephemeral_containers",
    "invalid_status",
    "parse_field_error",
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


def _is_set(value: Any) -> bool:
    """Whether a JSON value differs from the Go zero value of its field."""
    if value is None or value is False or value == "" or value == 0:
        return False
    if isinstance(value, (list, dict)):
        return len(value) > 0
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


def _validate_container_common(container: dict[str, Any], volumes: dict[str, dict[str, Any]], path: str) -> list[FieldError]:
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
    return errors


def _validate_image_whitespace(container: dict[str, Any], path: str) -> list[FieldError]:
    image = container.get("image") or ""
    if isinstance(image, str) and image != image.strip():
        return [_invalid(f"{path}.image", image, "must not have leading or trailing whitespace")]
    return []


def _checked_container(
    container: dict[str, Any], volumes: dict[str, dict[str, Any]], item: str, seen: set[str], record_empty: bool = True
) -> list[FieldError]:
    """validateContainerCommon, the image whitespace check and name uniqueness against `seen`."""
    errors = _validate_container_common(container, volumes, item) + _validate_image_whitespace(container, item)
    name = container.get("name") or ""
    if name in seen:
        errors.append(_duplicate(f"{item}.name", name))
    elif name or record_empty:
        seen.add(name)
    return errors


def _validate_containers(containers: list[dict[str, Any]], volumes: dict[str, dict[str, Any]], path: str) -> list[FieldError]:
    if not containers:
        return [_required(path)]
    errors: list[FieldError] = []
    names: set[str] = set()
    for index, container in enumerate(containers):
        item = f"{path}[{index}]"
        errors.extend(_checked_container(container, volumes, item, names))
        if container.get("restartPolicy") is not None:
            errors.append(_forbidden(f"{item}.restartPolicy", "may not be set for non-init containers"))
    return errors


def _validate_init_containers(
    init: list[dict[str, Any]], regular: list[dict[str, Any]], volumes: dict[str, dict[str, Any]], path: str
) -> list[FieldError]:
    errors: list[FieldError] = []
    names = {c.get("name") or "" for c in regular}
    for index, container in enumerate(init):
        item = f"{path}[{index}]"
        errors.extend(_checked_container(container, volumes, item, names, record_empty=False))
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
) -> list[FieldError]:
    errors: list[FieldError] = []
    if not ephemeral:
        return errors
    other_names = {c.get("name") or "" for c in [*regular, *init]}
    all_names = set(other_names)
    for index, container in enumerate(ephemeral):
        item = f"{path}[{index}]"
        errors.extend(_checked_container(container, volumes, item, all_names))
        target = container.get("targetContainerName") or ""
        if target and target not in other_names:
            errors.append(_not_found(f"{item}.targetContainerName", target))
        for field_name, allowed in _EPHEMERAL_FIELDS:
            if not allowed and _is_set(container.get(field_name)):
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
    errors.extend(_validate_containers(regular, volumes, "spec.containers"))
    errors.extend(_validate_init_containers(init, regular, volumes, "spec.initContainers"))
    errors.extend(
        _validate_ephemeral_containers(spec.get("ephemeralContainers") or [], regular, init, volumes, "spec.ephemeralContainers")
    )
    return errors


# --------------------------------------------------------------------------- entry points


def validate_pod_create_errors(pod: dict[str, Any]) -> list[FieldError]:
    """`ValidatePodCreate` as FieldError objects."""
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
    """`ValidatePodEphemeralContainersUpdate` as FieldError objects."""
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
