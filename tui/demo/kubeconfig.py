"""The demo cluster's kubeconfig (bearer token, the demo CA when serving https, mode 0600)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import yaml

NAME = "ephemera-demo"


def kubeconfig_dict(url: str, token: str, namespace: str = "default", ca_pem: bytes | None = None
                    ) -> dict[str, object]:
    cluster: dict[str, str] = {"server": url}
    if ca_pem:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": NAME, "cluster": cluster}],
        "users": [{"name": NAME, "user": {"token": token}}],
        "contexts": [{"name": NAME, "context": {"cluster": NAME, "user": NAME, "namespace": namespace}}],
        "current-context": NAME,
        "preferences": {},
    }


def write_kubeconfig(path: str | os.PathLike[str], url: str, token: str, namespace: str = "default",
                     ca_pem: bytes | None = None) -> Path:
    """Write atomically with mode 0600 (created that way, never world-readable in between)."""
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(kubeconfig_dict(url, token, namespace, ca_pem), sort_keys=False)
    temporary = target.with_name(target.name + f".tmp{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.chmod(temporary, 0o600)
    os.replace(temporary, target)
    return target
