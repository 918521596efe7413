"""Decoding Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) into JSON.

kubectl's typed clients (e.g. `kubectl debug --copy-to` creating the copy) send protobuf. The
message schema in `k8s_proto_schema.json` was extracted from the gzipped FileDescriptorProtos that
kubectl v1.32 embeds (k8s.io/api/core/v1, apps/v1, events/v1, authentication/v1, authorization/v1
and apimachinery; regenerate with tools/extract_k8s_types.py), restricted to what a Pod,
DeleteOptions, the SelfSubjectAccessReview / RulesReview of `kubectl auth can-i [--list]`, the
SelfSubjectReview of `kubectl auth whoami` and the kinds `kubectl create <kind>` sends (Namespace,
Service, ConfigMap, Secret, Deployment, ...) reach; it also holds gnostic's OpenAPI v2 messages
(`tui.demo.api.openapi` encodes `/openapi/v2` with them). Field names in those protos are the JSON
names, so decoding is mechanical, plus the few types with a custom JSON form (Time, Quantity,
IntOrString, RawExtension) and the Go structs embedded inline (`INLINE_FIELDS`), whose fields go
into the parent as the API server's JSON has them. The demo server only decodes protobuf (it
always answers JSON).
"""

from __future__ import annotations

import base64
import json
import struct
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from tui.demo.api.status import ApiError

PROTOBUF_CONTENT_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"
UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown"
KIND_MESSAGES = {
    "Pod": "k8s.io.api.core.v1.Pod",
    "DeleteOptions": "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "SelfSubjectAccessReview": "k8s.io.api.authorization.v1.SelfSubjectAccessReview",
    "SelfSubjectRulesReview": "k8s.io.api.authorization.v1.SelfSubjectRulesReview",
    "SelfSubjectReview": "k8s.io.api.authentication.v1.SelfSubjectReview",
    "Namespace": "k8s.io.api.core.v1.Namespace",
    "Service": "k8s.io.api.core.v1.Service",
    "ConfigMap": "k8s.io.api.core.v1.ConfigMap",
    "Secret": "k8s.io.api.core.v1.Secret",
    "Event": "k8s.io.api.core.v1.Event",
    "Deployment": "k8s.io.api.apps.v1.Deployment",
    "ReplicaSet": "k8s.io.api.apps.v1.ReplicaSet",
}
# a kind whose message depends on its group (the envelope's apiVersion)
VERSIONED_KIND_MESSAGES = {("events.k8s.io/v1", "Event"): "k8s.io.api.events.v1.Event"}

_VARINT_TYPES = {3, 4, 5, 8, 13, 14, 17, 18}  # int64 uint64 int32 bool uint32 enum sint32 sint64
_STRING, _BYTES, _MESSAGE, _BOOL = 9, 12, 11, 8
# Go pointer fields whose zero value means something (kept); other zero scalars are omitted as JSON does.
_KEEP_ZERO = frozenset({
    "activeDeadlineSeconds", "allowPrivilegeEscalation", "automountServiceAccountToken", "defaultMode",
    "enableServiceLinks", "fsGroup", "gracePeriodSeconds", "hostUsers", "mode", "optional", "priority",
    "privileged", "readOnlyRootFilesystem", "runAsGroup", "runAsNonRoot", "runAsUser", "setHostnameAsFQDN",
    "shareProcessNamespace", "terminationGracePeriodSeconds", "tolerationSeconds", "orphanDependents",
})
# Go structs embedded with `json:",inline"`: the proto has them as a nested message field, the JSON
# form puts their fields into the parent (a probe's `exec`/`httpGet` sit on the probe itself).
# From the k8s.io/api v1.32 Go types: every embedded struct among the schema's messages.
INLINE_FIELDS = frozenset({
    ("k8s.io.api.core.v1.Probe", "handler"),  # ProbeHandler
    ("k8s.io.api.core.v1.Volume", "volumeSource"),  # VolumeSource
    ("k8s.io.api.core.v1.EphemeralContainer", "ephemeralContainerCommon"),  # EphemeralContainerCommon
    ("k8s.io.api.core.v1.ConfigMapEnvSource", "localObjectReference"),
    ("k8s.io.api.core.v1.ConfigMapKeySelector", "localObjectReference"),
    ("k8s.io.api.core.v1.ConfigMapProjection", "localObjectReference"),
    ("k8s.io.api.core.v1.ConfigMapVolumeSource", "localObjectReference"),
    ("k8s.io.api.core.v1.SecretEnvSource", "localObjectReference"),
    ("k8s.io.api.core.v1.SecretKeySelector", "localObjectReference"),
    ("k8s.io.api.core.v1.SecretProjection", "localObjectReference"),
    ("k8s.io.apimachinery.pkg.runtime.Unknown", "typeMeta"),  # TypeMeta: apiVersion, kind
})
_TIME_TYPES = {"k8s.io.apimachinery.pkg.apis.meta.v1.Time", "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime"}


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    text = resources.files("tui.demo.api").joinpath("k8s_proto_schema.json").read_text()
    return json.loads(text)


def _varint(data: bytes, index: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        byte = data[index]
        index += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, index


def _wire_fields(data: bytes) -> list[tuple[int, int, Any]]:
    fields: list[tuple[int, int, Any]] = []
    index = 0
    while index < len(data):
        key, index = _varint(data, index)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, index = _varint(data, index)
        elif wire == 2:
            length, index = _varint(data, index)
            value = data[index:index + length]
            index += length
        elif wire == 1:
            value = data[index:index + 8]
            index += 8
        elif wire == 5:
            value = data[index:index + 4]
            index += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        fields.append((number, wire, value))
    return fields


def _signed(value: int, bits: int = 64) -> int:
    return value - (1 << bits) if value >= 1 << (bits - 1) else value


def _scalar(kind: int, wire: int, value: Any) -> Any:
    if wire == 0:
        if kind == _BOOL:
            return bool(value)
        if kind in (17, 18):
            return (value >> 1) ^ -(value & 1)
        return _signed(value, 64)
    if wire == 1:
        return struct.unpack("<d" if kind == 1 else "<q", value)[0]
    if wire == 5:
        return struct.unpack("<f" if kind == 2 else "<i", value)[0]
    if kind == _STRING:
        return bytes(value).decode("utf-8")
    return bytes(value)


def _special(type_name: str, data: bytes) -> tuple[bool, Any]:
    """Types whose JSON form is not an object. Returns (handled, value); value None means omit."""
    if type_name in _TIME_TYPES:
        parts = {n: v for n, _, v in _wire_fields(data)}
        seconds = _signed(parts.get(1, 0))
        if seconds == 0 and not parts.get(2):
            return True, None
        moment = datetime.fromtimestamp(seconds, UTC)
        if type_name.endswith("MicroTime"):
            micros = int(parts.get(2, 0)) // 1000
            return True, moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{micros:06d}Z"
        return True, moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if type_name == "k8s.io.apimachinery.pkg.api.resource.Quantity":
        parts = {n: v for n, _, v in _wire_fields(data)}
        return True, bytes(parts.get(1, b"")).decode()
    if type_name == "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        parts = {n: v for n, _, v in _wire_fields(data)}
        if parts.get(1, 0) == 1:
            return True, bytes(parts.get(3, b"")).decode()
        return True, _signed(parts.get(2, 0), 64)
    if type_name == "k8s.io.apimachinery.pkg.runtime.RawExtension":
        parts = {n: v for n, _, v in _wire_fields(data)}
        raw = bytes(parts.get(1, b""))
        return True, json.loads(raw) if raw else None
    if type_name == "k8s.io.apimachinery.pkg.apis.meta.v1.Duration":
        parts = {n: v for n, _, v in _wire_fields(data)}
        return True, f"{_signed(parts.get(1, 0)) / 1e9:g}s"
    return False, None


def decode_message(type_name: str, data: bytes) -> Any:
    handled, special = _special(type_name, data)
    if handled:
        return special
    message = schema()[type_name]
    described = message["fields"]
    result: dict[str, Any] = {}
    for number, wire, value in _wire_fields(data):
        field = described.get(str(number))
        if field is None:
            continue
        name, kind, repeated, nested = field
        if kind == _MESSAGE:
            target = schema().get(nested, {})
            if target.get("map"):
                entry = decode_message(nested, value)
                item = entry.get("value", "")
                if isinstance(item, bytes):  # map<string, bytes> (a Secret's data) is base64 in JSON
                    item = base64.b64encode(item).decode()
                result.setdefault(name, {})[entry.get("key", "")] = item
                continue
            decoded = decode_message(nested, value)
        elif repeated and wire == 2 and kind in _VARINT_TYPES:
            packed = bytes(value)
            index = 0
            while index < len(packed):
                item, index = _varint(packed, index)
                result.setdefault(name, []).append(_scalar(kind, 0, item))
            continue
        else:
            decoded = _scalar(kind, wire, value)
        if (type_name, name) in INLINE_FIELDS and isinstance(decoded, dict):
            result.update(decoded)
        elif repeated:
            result.setdefault(name, []).append(decoded)
        elif decoded is None or decoded == "" or (decoded in (0, False) and kind != _MESSAGE
                                                   and name not in _KEEP_ZERO):
            continue  # Go value fields are always written; JSON would omit the zero value
        else:
            result[name] = decoded
    return result


def decode_object(body: bytes) -> dict[str, Any]:
    """A whole protobuf request body (`k8s\\0` + runtime.Unknown) as the JSON object."""
    if not body.startswith(MAGIC):
        raise ApiError(400, "the body of the request was in an unknown format - missing protobuf magic",
                       "BadRequest")
    try:
        envelope = decode_message(UNKNOWN, body[len(MAGIC):])
        kind = envelope.get("kind", "")
        message = VERSIONED_KIND_MESSAGES.get((envelope.get("apiVersion", ""), kind)) or KIND_MESSAGES.get(kind)
        if message is None:
            raise ApiError(415, f"the body of the request was in an unknown format - {kind} in protobuf is not "
                                "supported by the demo server", "UnsupportedMediaType")
        obj = decode_message(message, envelope.get("raw", b""))
    except (ValueError, IndexError, KeyError, struct.error) as error:
        raise ApiError(400, f"the body of the request was in an unknown format - {error}", "BadRequest") from None
    obj["kind"] = kind
    if envelope.get("apiVersion"):
        obj["apiVersion"] = envelope["apiVersion"]
    return obj
