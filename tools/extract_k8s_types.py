"""Regenerate `tui/demo/api/k8s_proto_schema.json` from a kubectl v1.32 binary.

    .venv/bin/python tools/extract_k8s_types.py /path/to/kubectl-1.32 > tui/demo/api/k8s_proto_schema.json

kubectl embeds the FileDescriptorProtos of the Kubernetes API types (gogo-protobuf: gzipped, one
per `generated.proto`) and of gnostic's OpenAPI v2 document (protobuf-go: raw bytes). This reads
them and writes the messages reachable from `ROOTS`, each as
`{"fields": {number: [name, type, repeated, message type]}, "map": is_map_entry}`: what the demo's
protobuf decoder (`tui.demo.api.protobuf`), its OpenAPI generator (`tui.demo.api.openapi`) and the
OpenAPI v2 protobuf encoder read. Field names of the Kubernetes protos are the JSON names.
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from typing import Any

ROOTS = (
    "k8s.io.api.core.v1.Pod", "k8s.io.api.core.v1.PodList", "k8s.io.api.core.v1.Namespace",
    "k8s.io.api.core.v1.NamespaceList", "k8s.io.api.core.v1.Node", "k8s.io.api.core.v1.NodeList",
    "k8s.io.api.core.v1.Event", "k8s.io.api.core.v1.EventList", "k8s.io.api.core.v1.Service",
    "k8s.io.api.core.v1.ServiceList", "k8s.io.api.core.v1.ConfigMap", "k8s.io.api.core.v1.ConfigMapList",
    "k8s.io.api.core.v1.Secret", "k8s.io.api.core.v1.SecretList",
    "k8s.io.api.apps.v1.Deployment", "k8s.io.api.apps.v1.DeploymentList", "k8s.io.api.apps.v1.ReplicaSet",
    "k8s.io.api.apps.v1.ReplicaSetList", "k8s.io.api.events.v1.Event", "k8s.io.api.events.v1.EventList",
    "k8s.io.api.authentication.v1.SelfSubjectReview",
    "k8s.io.api.authorization.v1.SelfSubjectAccessReview", "k8s.io.api.authorization.v1.SelfSubjectRulesReview",
    "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.Status",
    "k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent", "k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList",
    "k8s.io.apimachinery.pkg.apis.meta.v1.APIGroupList", "k8s.io.apimachinery.pkg.apis.meta.v1.APIVersions",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Patch", "k8s.io.apimachinery.pkg.runtime.Unknown",
    "openapi.v2.Document",
)


def varint(data: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def fields(data: bytes, limit: int = 0) -> list[tuple[int, int, Any]]:
    """The wire fields of `data`; with `limit`, stop (quietly) at a field number above it."""
    out: list[tuple[int, int, Any]] = []
    i = 0
    while i < len(data):
        key, j = varint(data, i)
        number, wire = key >> 3, key & 7
        if limit and not 0 < number <= limit:
            break
        value: Any
        if wire == 0:
            value, j = varint(data, j)
        elif wire == 2:
            length, j = varint(data, j)
            value = data[j:j + length]
            j += length
        elif wire == 1:
            value, j = data[j:j + 8], j + 8
        elif wire == 5:
            value, j = data[j:j + 4], j + 4
        else:
            break
        out.append((number, wire, value))
        i = j
    return out


def messages(descriptor: bytes, limit: int = 0) -> dict[str, dict[str, Any]]:
    """Every message (nested ones too) of a FileDescriptorProto, by full name."""
    top = fields(descriptor, limit)
    package = next((bytes(v).decode() for n, _, v in top if n == 2), "")
    found: dict[str, dict[str, Any]] = {}

    def walk(raw: bytes, prefix: str) -> None:
        parts = fields(raw)
        name = next(bytes(v).decode() for n, _, v in parts if n == 1)
        full = f"{prefix}.{name}"
        described: dict[str, list[Any]] = {}
        is_map = False
        for number, _, value in parts:
            if number == 2:  # FieldDescriptorProto
                f = {n: v for n, _, v in fields(value)}
                type_name = bytes(f.get(6, b"")).decode().lstrip(".")
                described[str(f[3])] = [bytes(f[1]).decode(), f[5], f.get(4) == 3, type_name]
            elif number == 3:
                walk(value, full)
            elif number == 7:  # MessageOptions.map_entry
                is_map = any(n == 7 and v for n, _, v in fields(value))
        found[full] = {"fields": dict(sorted(described.items(), key=lambda kv: kv[0])), "map": is_map}

    for number, _, value in top:
        if number == 4:
            walk(value, package)
    return found


def all_messages(binary: bytes) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for match in re.finditer(b"\x1f\x8b\x08\x00", binary):
        try:
            out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(binary[match.start():match.start() + 1_000_000])
        except zlib.error:
            continue
        if out.startswith(b"\n") and b"generated.proto" in out[:80] and out[2:].startswith(b"k8s.io/"):
            for name, message in messages(out).items():
                found.setdefault(name, message)
    start = binary.find(b"\n\x19openapiv2/OpenAPIv2.proto")
    if start >= 0:
        for name, message in messages(binary[start:start + 60_000], limit=12).items():
            found.setdefault(name, message)
    return found


def reachable(found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    keep: dict[str, dict[str, Any]] = {}
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name in keep or name not in found:
            continue
        keep[name] = found[name]
        todo.extend(field[3] for field in found[name]["fields"].values() if field[3])
    return dict(sorted(keep.items()))


def main() -> None:
    with open(sys.argv[1], "rb") as handle:
        binary = handle.read()
    json.dump(reachable(all_messages(binary)), sys.stdout, separators=(",", ":"), sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
