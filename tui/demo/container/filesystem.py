"""A container's (tiny, in-memory) root filesystem, built from an image's file tree."""

from __future__ import annotations

import posixpath

from tui.demo.container.images import FileTree

EXECUTABLE_DIRS = ("/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/nodejs/bin")


def normpath(path: str, cwd: str = "/") -> str:
    """Absolute, normalised path (`..` above `/` stays at `/`)."""
    joined = posixpath.join(cwd, path) if path else cwd
    normal = posixpath.normpath(joined)
    if normal.startswith("//"):
        normal = "/" + normal.lstrip("/")
    return normal


class Filesystem:
    """Files (path -> text) and directories; every file's parents are directories. Bytes that are
    not UTF-8 (a binary file copied in with `tar`) are kept as surrogate escapes: `read_bytes`
    gives back exactly what `write_bytes` stored."""

    def __init__(self, tree: FileTree) -> None:
        self._files: dict[str, str] = {}
        self._dirs: set[str] = {"/"}
        for path, content in tree.items():
            path = normpath(path)
            if content is None:
                self.mkdir(path)
            else:
                self.write(path, content)

    def mkdir(self, path: str) -> None:
        path = normpath(path)
        while path not in self._dirs:
            self._dirs.add(path)
            path = posixpath.dirname(path)

    def write(self, path: str, content: str, append: bool = False) -> None:
        path = normpath(path)
        self.mkdir(posixpath.dirname(path))
        self._files[path] = (self._files.get(path, "") if append else "") + content

    def write_bytes(self, path: str, content: bytes) -> None:
        self.write(path, content.decode("utf-8", errors="surrogateescape"))

    def read_bytes(self, path: str) -> bytes | None:
        content = self._files.get(normpath(path))
        return None if content is None else content.encode("utf-8", errors="surrogateescape")

    def remove(self, path: str) -> bool:
        return self._files.pop(normpath(path), None) is not None

    def is_dir(self, path: str) -> bool:
        return normpath(path) in self._dirs

    def is_file(self, path: str) -> bool:
        return normpath(path) in self._files

    def exists(self, path: str) -> bool:
        path = normpath(path)
        return path in self._files or path in self._dirs

    def read(self, path: str) -> str | None:
        return self._files.get(normpath(path))

    def size(self, path: str) -> int:
        content = self._files.get(normpath(path))
        return 4096 if content is None else len(content.encode("utf-8", errors="surrogateescape"))

    def listdir(self, path: str) -> list[str]:
        """Sorted names in a directory (empty for a missing one)."""
        path = normpath(path)
        prefix = path.rstrip("/") + "/"
        names = {p[len(prefix):] for p in self._files if p.startswith(prefix) and "/" not in p[len(prefix):]}
        names |= {d[len(prefix):] for d in self._dirs
                  if d != path and d.startswith(prefix) and "/" not in d[len(prefix):]}
        return sorted(names)

    def is_executable(self, path: str) -> bool:
        path = normpath(path)
        return (path in self._files and posixpath.dirname(path) in EXECUTABLE_DIRS) or path == "/pause"

    def which(self, name: str, path_var: str) -> str | None:
        """Resolve a command name as execvp does (a name with a slash is taken as a path)."""
        if "/" in name:
            return normpath(name) if self.is_file(name) else None
        for directory in path_var.split(":"):
            candidate = normpath(name, directory or "/")
            if candidate in self._files:
                return candidate
        return None
