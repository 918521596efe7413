"""Reading nested values out of pod JSON (plain dicts) without a chain of `.get` calls."""

from __future__ import annotations

from typing import Any


def dig(obj: Any, *path: str) -> Any:
    """The value at `path` under `obj`, or None when a step is missing or not a mapping."""
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj
