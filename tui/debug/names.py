"""Generated names, as kubectl draws them.

- `random_suffix(n)`: n characters from apimachinery's `utilrand.String` alphabet
  ("bcdfghjklmnpqrstvwxz2456789": no vowels, no 0/1/3, so no words and no look-alikes);
- `debug_container_name(pod)`: `debugger-xxxxx`, redrawn while it collides with any container
  (init, regular or ephemeral) of the pod, exactly like kubectl's `computeDebugContainerName`;
- `copy_pod_name(pod_name, taken)`: `<pod>-debug-xxxxx` for a copy, redrawn while in `taken`.

Pass a seeded `random.Random` for reproducible names in tests.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable
from typing import Any

ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
SUFFIX_LENGTH = 5
MAX_POD_NAME = 253  # pod names are DNS subdomains
_MAX_DRAWS = 1000


def random_suffix(length: int = SUFFIX_LENGTH, rng: random.Random | None = None) -> str:
    """`length` random characters from kubectl's alphabet."""
    chooser = rng if rng is not None else random.SystemRandom()
    return "".join(chooser.choice(ALPHABET) for _ in range(length))


def container_names(pod: dict[str, Any]) -> set[str]:
    """Names of every container of the pod: init, regular and ephemeral."""
    spec = pod.get("spec") or {}
    names: set[str] = set()
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(key) or ():
            if container.get("name"):
                names.add(container["name"])
    return names


def _draw(prefix: str, taken: Collection[str] | Iterable[str], rng: random.Random | None) -> str:
    taken_set = set(taken)
    for _ in range(_MAX_DRAWS):
        candidate = prefix + random_suffix(rng=rng)
        if candidate not in taken_set:
            return candidate
    raise RuntimeError(f"could not draw a free name starting with {prefix!r}")


def debug_container_name(pod: dict[str, Any], rng: random.Random | None = None) -> str:
    """`debugger-xxxxx`, unique among the pod's containers."""
    return _draw("debugger-", container_names(pod), rng)


def copy_pod_name(
    pod_name: str, taken: Collection[str] = (), rng: random.Random | None = None
) -> str:
    """`<pod>-debug-xxxxx` for a copy, not in `taken` (the namespace's pod names)."""
    stem = pod_name[: MAX_POD_NAME - len("-debug-") - SUFFIX_LENGTH].rstrip("-.")
    return _draw(f"{stem}-debug-", taken, rng)
