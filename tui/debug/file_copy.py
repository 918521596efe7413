"""Files out of (and into) a container through a debugger: the pure part (no I/O).

`kubectl cp` runs `tar` in the target container itself; a distroless target has no `tar` (nor a
shell), so it fails. A debugger sharing the target's PID namespace sees the target's root
filesystem at `/proc/<pid>/root` (`tui.debug.target_fs`), so the copy runs there instead, by exec
in the debugger, as small POSIX `sh -c` scripts with the paths passed as arguments (never
interpolated into the script):

- `choose_debugger(pod, target, debugger=None)`: which running debugger can see `target`'s files
  and where: a targeted ephemeral container (`targetContainerName: target`: the target's main
  process is PID 1 of that namespace, `/proc/1/root`), or a container of a pod sharing its process
  namespace (Ephemera's copies) when `target` carries the target-fs helper's marker env
  (`EPHEMERA_CONTAINER=<name>`: the process is found by it), or an explicit `pid`;
- `probe_command(...)`: one exec that prints the debugger's tools (`tar`, `sha256sum`) and what the
  path is (`type:file` with `size:N`, `type:dir`, `type:none`), parsed by `parse_probe`;
- `overwrite_question(...)`, `EXEC_ACCESS`, `NO_EXEC_DRY_RUN`: a copy in's pre-flight (RBAC: create
  pods/exec; exec has no server dry run, so the probe of the destination is the dry run) and the
  question asked before an existing file is overwritten;
- `read_command` (`cat` of a file; `tar cf - -C DIR .` of a directory: the debugger needs tar for a
  directory), `write_command` (`head -c SIZE > PATH`: ends after SIZE bytes, also where stdin
  cannot be half-closed (the v4 protocol)), `checksum_command` (`sha256sum`).

Streams are binary-safe (a non-tty exec's stdout carries bytes as they are), so no base64 is
needed. The checksum: `sha256sum` in the debugger when it has it ("remote"), else the sha256 of
the bytes streamed compared on both ends of the stream ("local": what was received with the file
written; for a copy in, the file read back through the debugger with what was sent).
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass, field
from typing import Any

from tui.debug.preflight import AccessQuestion
from tui.debug.target_fs import MARKER_ENV

__all__ = [
    "EXEC_ACCESS",
    "NO_EXEC_DRY_RUN",
    "CopyPlanError",
    "Probe",
    "RootLocator",
    "checksum_command",
    "choose_debugger",
    "overwrite_question",
    "parse_probe",
    "parse_remote_path",
    "probe_command",
    "read_command",
    "size_text",
    "write_command",
]

TOOLS = ("tar", "sha256sum")
EXEC_ACCESS = AccessQuestion("create", "pods", "exec", why="to copy through the debugger (an exec in it)")
NO_EXEC_DRY_RUN = ("exec has no server dry run: the probe of the destination through the debugger "
                   "(exists? a file or a directory? its size) is the dry run")


class CopyPlanError(ValueError):
    """The copy cannot be planned (no suitable debugger, a bad path...): the message says what to do."""


@dataclass(frozen=True)
class RootLocator:
    """How a debugger finds the target's root: `pid` (e.g. 1 for a targeted debugger) or the
    marker env value `marker` of the target's process (a copy sharing its process namespace)."""

    debugger: str
    target: str
    pid: int | None = None
    marker: str | None = None

    @property
    def description(self) -> str:
        if self.pid is not None:
            return f"/proc/{self.pid}/root through debugger {self.debugger}"
        return f"/proc/<pid of {self.target}>/root through debugger {self.debugger}"

    def script(self) -> str:
        """Shell lines setting `$r` to the target's root (or failing with a message, exit 3)."""
        if self.pid is not None:
            find = f"r=/proc/{int(self.pid)}/root"
        else:
            marker = shlex.quote(f"{MARKER_ENV}={self.marker}")
            find = ('r=; for d in /proc/[0-9]*; do '
                    f"if tr '\\0' '\\n' < \"$d/environ\" 2>/dev/null | grep -qx {marker}; "
                    'then r="$d/root"; break; fi; done')
        return (f'{find}; if [ -n "$r" ] && [ -d "$r/" ]; then :; else '
                f"echo {shlex.quote(f'cannot see the root of {self.target}')} "
                "'(no process found, or /proc/<pid>/root not readable: the same user as the target or "
                "CAP_SYS_PTRACE is needed)' >&2; exit 3; fi")


def _state(pod: dict[str, Any], name: str) -> str:
    status = pod.get("status") or {}
    for key in ("ephemeralContainerStatuses", "containerStatuses"):
        for entry in status.get(key) or ():
            if entry.get("name") == name:
                return next(iter(entry.get("state") or {}), "")
    return ""


def choose_debugger(pod: dict[str, Any], target: str, debugger: str | None = None,
                    pid: int | None = None) -> RootLocator:
    """The running debugger that sees `target`'s files (the newest first) and how it finds them.
    `debugger`: that container; `pid`: the target's PID as the debugger sees it."""
    spec = pod.get("spec") or {}
    name = (pod.get("metadata") or {}).get("name", "")
    regular = {c.get("name"): c for c in spec.get("containers") or ()}
    ephemeral = {c.get("name"): c for c in spec.get("ephemeralContainers") or ()}
    if target not in regular:
        raise CopyPlanError(f"pod {name!r} has no container {target!r} (containers: "
                            f"{', '.join(sorted(str(n) for n in regular)) or 'none'})")
    shared = bool(spec.get("shareProcessNamespace"))
    marked = any(e.get("name") == MARKER_ENV and e.get("value") == target for e in regular[target].get("env") or ())

    def locator(candidate: str) -> RootLocator | None:
        if _state(pod, candidate) != "running" or candidate == target:
            return None
        if pid is not None and (shared or ephemeral.get(candidate, {}).get("targetContainerName") == target):
            return RootLocator(candidate, target, pid=pid)
        if candidate in ephemeral and ephemeral[candidate].get("targetContainerName") == target and not shared:
            # (in a pod sharing one process namespace PID 1 is the pause process, not the target)
            return RootLocator(candidate, target, pid=1)
        if shared and marked:
            return RootLocator(candidate, target, marker=target)
        return None

    if debugger:
        if debugger not in ephemeral and debugger not in regular:
            raise CopyPlanError(f"pod {name!r} has no container {debugger!r}")
        found = locator(debugger)
        if found is None and shared and pid is None:
            raise CopyPlanError(_shared_without_pid(name, target))
        if found is None:
            raise CopyPlanError(
                f"container {debugger!r} cannot see the files of {target!r}: it must run and share "
                f"{target}'s process namespace (a debugger targeting {target}, or a copy made with the "
                "target filesystem helper); --pid gives the target's PID when the debugger shares it")
        return found
    for candidate in [*reversed(list(ephemeral)), *reversed(list(regular))]:
        found = locator(str(candidate))
        if found is not None:
            return found
    if shared and pid is None:
        raise CopyPlanError(_shared_without_pid(name, target))
    raise CopyPlanError(
        f"no running debugger of pod {name!r} shares the process namespace of {target!r}: add one with "
        f"`ephemera debug {name} --target={target} --image=busybox --durable` (or d: targeted) first")


def _shared_without_pid(pod: str, target: str) -> str:
    return (f"pod {pod!r} shares one process namespace among its containers (shareProcessNamespace): "
            f"PID 1 there is the pod's pause process, not {target!r}, so a debugger cannot find "
            f"{target}'s files by itself; give {target}'s PID as the debugger sees it (ps in the debugger): "
            f"ephemera cp --pid PID")


def parse_remote_path(path: str) -> str:
    """An absolute, normalised path in the target (`..` cannot climb above its root)."""
    if not path or "\0" in path:
        raise CopyPlanError("give the path in the container, e.g. /etc/os-release")
    normal = posixpath.normpath("/" + path.lstrip("/"))
    return "/" + normal.lstrip("/")


def _sh(script: str, path: str) -> list[str]:
    """`sh -c SCRIPT` with `$f` set to `path`, shell-quoted, at the top (a plain assignment: the
    path is never parsed as code)."""
    return ["sh", "-c", f"f={shlex.quote(path)}; {script}"]


def probe_command(locator: RootLocator, path: str) -> list[str]:
    """Prints `tool:NAME` for each of TOOLS the debugger has, then `type:file` + `size:N`,
    `type:dir` or `type:none` for `path` in the target's root, then `root:R`."""
    tools = "; ".join(f"if which {tool} >/dev/null 2>&1; then echo tool:{tool}; fi" for tool in TOOLS)
    script = (f'{locator.script()}; {tools}; p="$r$f"; '
              'if [ -d "$p" ]; then echo type:dir; elif [ -e "$p" ]; then echo type:file; '
              'echo size:$(wc -c < "$p"); else echo type:none; fi; echo "root:$r"')
    return _sh(script, path)


@dataclass(frozen=True)
class Probe:
    tools: frozenset[str] = frozenset()
    kind: str = "none"  # file, dir, none
    size: int | None = None
    root: str = ""
    notes: list[str] = field(default_factory=list)


def parse_probe(output: bytes) -> Probe:
    tools: set[str] = set()
    kind, size, root = "none", None, ""
    for raw in output.decode("utf-8", "replace").splitlines():
        key, _, value = raw.strip().partition(":")
        if key == "tool":
            tools.add(value)
        elif key == "type":
            kind = value
        elif key == "size":
            try:
                size = int(value.strip())
            except ValueError:
                size = None
        elif key == "root":
            root = value
    return Probe(frozenset(tools), kind, size, root)


def read_command(locator: RootLocator, path: str, *, directory: bool = False) -> list[str]:
    """`cat` of the file (or `tar cf -` of the directory's contents) on stdout."""
    if directory:
        return _sh(f'{locator.script()}; exec tar cf - -C "$r$f" .', path)
    return _sh(f'{locator.script()}; exec cat "$r$f"', path)


def write_command(locator: RootLocator, path: str, size: int) -> list[str]:
    """The first `size` bytes of stdin into the file (created or truncated)."""
    return _sh(f'{locator.script()}; exec head -c {int(size)} > "$r$f"', path)


def checksum_command(locator: RootLocator, path: str) -> list[str]:
    return _sh(f'{locator.script()}; exec sha256sum "$r$f"', path)


def parse_checksum(output: bytes) -> str:
    """The hex digest `sha256sum` printed ("" when there is none)."""
    word = output.decode("ascii", "replace").split()[:1]
    return word[0].lower() if word and len(word[0]) == 64 else ""


def size_text(size: int | None) -> str:
    """`1.2 KB`-style (powers of 1024, as `ls -lh`); "unknown size" for None."""
    if size is None:
        return "unknown size"
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}"
    return f"{size} B"  # not reached


def overwrite_question(remote: str, size: int | None, target: str, pod: str) -> str:
    """The question asked before a copy in replaces an existing file (raw text: sanitise to show)."""
    return f"overwrite {remote} ({size_text(size)}) in container {target} of pod {pod}?"
