"""What a process sees as its filesystem: its container's files, its volume mounts (a hostPath
`/` at `/host` is the node's filesystem), and a `/proc` showing the PIDs of its own PID namespace,
where `/proc/<pid>/root/...` leads into that process's container."""

from __future__ import annotations

from dataclasses import dataclass

from tui.demo.container.filesystem import Filesystem, normpath
from tui.demo.container.processes import Container, Process

PROC_FILES = {
    "cpuinfo": "processor\t: 0\nmodel name\t: Ephemera demo vCPU\ncpu MHz\t\t: 2400.000\n\n"
    "processor\t: 1\nmodel name\t: Ephemera demo vCPU\ncpu MHz\t\t: 2400.000\n",
    "meminfo": "MemTotal:        8029412 kB\nMemFree:         5120304 kB\nMemAvailable:    6553600 kB\n",
    "loadavg": "0.08 0.03 0.01 1/123 49\n",
    "uptime": "3600.42 7000.10\n",
    "version": "Linux version 6.1.0-ephemera (simulated) #1 SMP PREEMPT_DYNAMIC\n",
}
PID_ENTRIES = ("cmdline", "comm", "cwd", "environ", "exe", "fd", "root", "status")


class PermissionDenied(Exception):
    pass


@dataclass
class Resolved:
    """A path resolved to a concrete filesystem (or to a synthetic /proc entry)."""

    fs: Filesystem | None
    path: str
    synthetic: str | None = None
    """Content of a synthetic /proc file."""
    synthetic_dir: list[str] | None = None


class ProcessView:
    def __init__(self, container: Container, process: Process) -> None:
        self.container = container
        self.process = process

    def _visible(self, pid: int) -> Process | None:
        return self.container.pidns.find(pid)

    def mounted(self, path: str) -> tuple[Filesystem, str] | None:
        """(volume, path inside it) when an absolute normalised path is under a mount point."""
        for point, mount in self.container.mounts.items():
            if path == point or path.startswith(point.rstrip("/") + "/"):
                return mount.fs, normpath(path[len(point):].lstrip("/"), mount.path)
        return None

    def read_only(self, path: str, cwd: str = "/") -> bool:
        """Whether `path` is on a volume mounted `readOnly` (writes fail: Read-only file system)."""
        path = normpath(path, cwd)
        for point, mount in self.container.mounts.items():
            if path == point or path.startswith(point.rstrip("/") + "/"):
                return mount.read_only
        return False

    def resolve(self, path: str, cwd: str = "/") -> Resolved | None:
        """None when the path does not exist; raises PermissionDenied for another user's /proc."""
        path = normpath(path, cwd)
        volume = self.mounted(path)
        if volume is not None:
            return Resolved(volume[0], volume[1]) if volume[0].exists(volume[1]) else None
        fs = self.container.fs
        parts = path.strip("/").split("/")
        if parts[0] != "proc":
            return Resolved(fs, path) if fs.exists(path) else None
        if len(parts) == 1 or parts[1] == "":
            names = [str(p.pid) for p in self.container.pidns.sorted()]
            return Resolved(None, path, synthetic_dir=[*names, "self", *sorted(PROC_FILES)])
        entry = parts[1]
        if entry in PROC_FILES and len(parts) == 2:
            return Resolved(None, path, synthetic=PROC_FILES[entry])
        pid_text = str(self.process.pid) if entry == "self" else entry
        if not pid_text.isdigit() or (target := self._visible(int(pid_text))) is None:
            return None
        if len(parts) == 2:
            return Resolved(None, path, synthetic_dir=list(PID_ENTRIES))
        what, rest = parts[2], "/" + "/".join(parts[3:])
        private = what in ("root", "cwd", "environ", "exe", "fd")
        if private and self.process.user not in (0, target.user):
            raise PermissionDenied(path)
        if what in ("root", "cwd"):
            target_fs = target.filesystem()
            if target_fs is None:  # /pause: an almost empty root
                target_fs = Filesystem({"/pause": "\x7fELF\n"})
            base = "/" if what == "root" else (target.container.working_dir if target.container else "/")
            inner = normpath(rest.lstrip("/"), base)
            return Resolved(target_fs, inner) if target_fs.exists(inner) else None
        if len(parts) > 3:
            return None
        if what == "cmdline":
            return Resolved(None, path, synthetic="\0".join(target.argv) + "\0")
        if what == "comm":
            return Resolved(None, path, synthetic=target.name[:15] + "\n")
        if what == "environ":
            env = target.container.env if target.container else {}
            return Resolved(None, path, synthetic="".join(f"{k}={v}\0" for k, v in env.items()))
        if what == "status":
            return Resolved(None, path, synthetic=(
                f"Name:\t{target.name[:15]}\nState:\tS (sleeping)\nPid:\t{target.pid}\n"
                f"PPid:\t0\nUid:\t{target.user}\t{target.user}\t{target.user}\t{target.user}\n"))
        if what == "fd":
            return Resolved(None, path, synthetic_dir=["0", "1", "2"])
        if what == "exe":
            return Resolved(None, path, synthetic="")
        return None

    def is_dir(self, resolved: Resolved) -> bool:
        if resolved.synthetic_dir is not None:
            return True
        return resolved.fs is not None and resolved.synthetic is None and resolved.fs.is_dir(resolved.path)

    def listdir(self, resolved: Resolved) -> list[str]:
        if resolved.synthetic_dir is not None:
            return resolved.synthetic_dir
        if resolved.fs is None:
            return []
        names = resolved.fs.listdir(resolved.path)
        if resolved.fs is self.container.fs:
            prefix = resolved.path.rstrip("/") + "/"
            points = [p[len(prefix):] for p in self.container.mounts if p.startswith(prefix)]
            extra = {p for p in points if p and "/" not in p} | ({"proc"} if resolved.path == "/" else set())
            names = sorted(set(names) | extra)
        return names

    def read(self, resolved: Resolved) -> str | None:
        if resolved.synthetic is not None:
            return resolved.synthetic
        if resolved.fs is None:
            return None
        return resolved.fs.read(resolved.path)
