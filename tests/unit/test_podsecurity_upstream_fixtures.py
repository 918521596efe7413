"""Kubernetes' own Pod Security Admission fixtures: every pod of kubernetes/pod-security-admission
`test/testdata/<level>/v1.N/{pass,fail}/*.yaml` up to the demo server's v1.32 (copied to
tests/data/psa/, source commit in its README), admitted or refused by the demo's admission
(`tui.demo.api.podsecurity.admission_status`, the evaluator the pre-flight shares) in a namespace
labelled with that level and version, as upstream's `test/run.go` does against a real API server:
a pass pod is admitted; a fail pod is refused with the check's expected substring in the message
and never an "unknown forbidden reason". `latest` on this server is v1.32: its fixtures again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tui.demo.api.podsecurity import admission_status
from tui.pods.security import DEFAULT_SERVER_VERSION, ENFORCE_LABEL, ENFORCE_VERSION_LABEL

DATA = Path(__file__).resolve().parent.parent / "data" / "psa"

# upstream test/fixtures_*.go: expectErrorSubstring per check (the check ID when not set)
EXPECTED_SUBSTRING = {
    "allowprivilegeescalation": "allowPrivilegeEscalation",
    "apparmorprofile": "forbidden AppArmor profile",
    "capabilities_baseline": "capabilities",
    "capabilities_restricted": "unrestricted capabilities",
    "hostnamespaces": "host namespaces",
    "hostpathvolumes": "hostPath",
    "hostports": "hostPort",
    "hostprobesandhostlifecycle": "probe or lifecycle host",
    "privileged": "privileged",
    "procmount": "procMount",
    "procmount_restricted": "procMount",
    "restrictedvolumes": "restricted volume types",
    "runasnonroot": "runAsNonRoot",
    "runasuser": "runAsUser",
    "selinuxoptions": "seLinuxOptions",
    "seccompprofile_baseline": "seccompProfile",
    "seccompprofile_restricted": "seccompProfile",
    "sysctls": "forbidden sysctl",
    "windowshostprocess": "hostProcess",
}

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _minor(directory: Path) -> int:
    return int(directory.name.removeprefix("v1."))


def directories() -> list[tuple[str, str, Path]]:
    """(level, policy version, folder of pass or fail pods): each version's own, v1.32's also at latest."""
    found = []
    for level in ("baseline", "restricted"):
        for directory in sorted((DATA / level).iterdir(), key=_minor):
            for kind in ("pass", "fail"):
                found.append((level, directory.name, directory / kind))
                if directory.name == DEFAULT_SERVER_VERSION:
                    found.append((level, "latest", directory / kind))
    return found


DIRECTORIES = directories()


def _id(level: str, version: str, path: Path) -> str:
    return f"{level}:{version}/{path.name}"


def expected_substring(path: Path) -> str:
    match = re.fullmatch(r"(.+?)\d+", path.stem)
    assert match, path
    return EXPECTED_SUBSTRING[match.group(1)]


def verdict(path: Path, level: str, version: str) -> dict[str, Any] | None:
    pod = yaml.load(path.read_text(), Loader=_LOADER)  # the C SafeLoader when built
    return admission_status(pod, {ENFORCE_LABEL: level, ENFORCE_VERSION_LABEL: version})


def wrong_verdict(path: Path, level: str, version: str) -> str | None:
    """What is wrong with the demo's answer for one fixture pod, or None."""
    status = verdict(path, level, version)
    if path.parent.name == "pass":
        return None if status is None else f"refused: {status['message']}"
    if status is None:
        return "admitted, expected refused"
    message = str(status["message"])
    if f'violates PodSecurity "{level}:{version}": ' not in message or "unknown forbidden reason" in message \
            or expected_substring(path) not in message:
        return f"expected {expected_substring(path)!r}: {message}"
    return None


def test_the_fixtures_are_all_here() -> None:
    """Every level has v1.0 to v1.32, each with pass and fail pods (restricted: 67 files at v1.0, 88 at v1.32)."""
    for level in ("baseline", "restricted"):
        assert [d.name for d in sorted((DATA / level).iterdir(), key=_minor)] == [f"v1.{n}" for n in range(33)]
    assert len(list((DATA / "restricted" / "v1.0").glob("*/*.yaml"))) == 67
    assert len(list((DATA / "restricted" / "v1.32").glob("*/*.yaml"))) == 88


@pytest.mark.parametrize(("level", "version", "folder"), DIRECTORIES, ids=[_id(*d) for d in DIRECTORIES])
def test_upstream_fixtures(level: str, version: str, folder: Path) -> None:
    """Each pod of the folder is one upstream case; the failure lists every wrong one."""
    paths = sorted(folder.glob("*.yaml"))
    assert paths
    wrong = {path.stem: problem for path in paths if (problem := wrong_verdict(path, level, version))}
    assert not wrong, f"{len(wrong)} of {len(paths)} wrong: {wrong}"


NEWEST = [d for d in DIRECTORIES if d[1] == "latest"]


@pytest.mark.parametrize(("level", "version", "folder"), NEWEST, ids=[_id(*d) for d in NEWEST])
def test_a_label_newer_than_the_server_is_evaluated_as_the_server(level: str, version: str, folder: Path) -> None:
    """A namespace pinned to v1.35 on a v1.32 server: v1.32's verdicts, the label's name in the message."""
    for path in sorted(folder.glob("*.yaml")):
        pinned = verdict(path, level, "v1.35")
        latest = verdict(path, level, version)
        assert (pinned is None) == (latest is None), path.stem
        if pinned is not None and latest is not None:
            assert pinned["message"] == latest["message"].replace(f"{level}:latest", f"{level}:v1.35")
