"""argparse `type=` functions: numbers and Kubernetes names checked before any request is sent.

A value that cannot be right stops the command at parsing (argparse prints
`PROG: error: argument FLAG: MESSAGE` and exits 2), so nothing reaches the cluster:

- `namespace_name` (`-n`, every command): an RFC 1123 label, as the API server validates them;
- `seconds_between(low, high)` (`--timeout`): a finite number of seconds, > low and <= high
  (`nan`, `inf`, `-1` are refused);
- `integer_between(low, high, what)`: `--run-as-user`/`--run-as-group` (0..2147483647, the API's
  range), `demo-cluster --pods`.

`ephemera debug`'s POD, `-c`, `--target`, `--copy-to` and a namespace from the kubeconfig context
are checked when the command builds its request (`tui.debug.planner.name_problems`, exit 2, still
before any request); the debug form gets the same check through the planner. Messages show the
value through `tui.display_text.visible_line` (it came from the user).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from tui.k8s_names import name_problem, shown

MAX_ID = 2_147_483_647  # runAsUser / runAsGroup: "must be between 0 and 2147483647, inclusive"


def namespace_name(text: str) -> str:
    """argparse type of -n: a namespace name as the API server takes it."""
    problem = name_problem("namespace", text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def seconds_between(low: float, high: float) -> Callable[[str], float]:
    """A number of seconds, finite, > `low` and <= `high`."""

    def seconds(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not low < value <= high:
            raise argparse.ArgumentTypeError(
                f"{shown(text)} is not a number of seconds greater than {low:g} and at most {high:g}")
        return value

    seconds.__name__ = "seconds"
    return seconds


def integer_between(low: int, high: int, what: str) -> Callable[[str], int]:
    """A whole number from `low` to `high` (inclusive)."""

    def integer(text: str) -> int:
        try:
            value = int(text.strip(), 10)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{shown(text)} is not {what}: a whole number from {low} to {high}")
        return value

    integer.__name__ = "integer"
    return integer
