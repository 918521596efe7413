"""busybox `tar` in the simulated shell: real tar archives (Python's tarfile, GNU format as busybox
writes them) of the container's files, enough for `kubectl cp` both ways:

- `kubectl cp POD:/path ./local` execs `tar cf - /path` and reads the archive from stdout;
- `kubectl cp ./local POD:/path` execs `tar -xmf - -C DIR` and writes the archive to stdin
  (`--no-same-permissions --no-same-owner` with `--no-preserve`).

Files are read through the process's view (volumes, `/proc/<pid>/root/...` of another container)
and written back the same way; binary content is kept byte for byte. Also `t` (list), `v`, `z`,
`O` (extract to stdout), `-f FILE`, `-C DIR`."""

from __future__ import annotations

import gzip
import io
import posixpath
import tarfile
import time
from dataclasses import dataclass, field

from tui.demo.container.filesystem import Filesystem, normpath
from tui.demo.container.vfs import PermissionDenied, ProcessView
from tui.demo.programs.applets import Ctx, read_all

USAGE = ("BusyBox v1.36.1 multi-call binary.\n\nUsage: tar c|x|t [-ZzJjahmvokO] [-f TARFILE] [-C DIR] "
         "[-T FILE] [-X FILE] [LONGOPT]... [FILE]...\n\nCreate, extract, or list files from a tar file\n")
_IGNORED_LONG = frozenset({"no-same-permissions", "no-same-owner", "same-owner", "same-permissions",
                           "numeric-owner", "overwrite", "preserve-permissions", "touch", "no-recursion"})
_LONG_FLAGS = {"create": "c", "extract": "x", "get": "x", "list": "t", "gzip": "z", "verbose": "v",
               "to-stdout": "O", "touch": "m"}
_WITH_VALUE = {"f": "archive", "C": "directory"}


@dataclass
class Options:
    flags: set[str] = field(default_factory=set)
    archive: str | None = None
    directory: str | None = None
    operands: list[str] = field(default_factory=list)
    error: str | None = None


def parse(args: list[str]) -> Options:
    """busybox's getopt for tar: a first word without a dash is a bundle of flags (`cf`), `f` and
    `C` take the rest of their bundle or the next word."""
    if args and not args[0].startswith("-"):
        args = ["-" + args[0], *args[1:]]
    options = Options()
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            options.operands.extend(args[index:])
            break
        if arg.startswith("--"):
            name, has_value, value = arg[2:].partition("=")
            if name in ("file", "directory"):
                if not has_value:
                    if index >= len(args):
                        options.error = f"option '--{name}' requires an argument"
                        return options
                    value, index = args[index], index + 1
                setattr(options, "archive" if name == "file" else "directory", value)
            elif name in _LONG_FLAGS:
                options.flags.add(_LONG_FLAGS[name])
            elif name not in _IGNORED_LONG:
                options.error = f"unrecognized option '--{name}'"
                return options
            continue
        if arg.startswith("-") and len(arg) > 1:
            for position, flag in enumerate(arg[1:], start=2):
                if flag in _WITH_VALUE:
                    value = arg[position:]
                    if not value:
                        if index >= len(args):
                            options.error = f"option requires an argument -- '{flag}'"
                            return options
                        value, index = args[index], index + 1
                    setattr(options, _WITH_VALUE[flag], value)
                    break
                options.flags.add(flag)
            continue
        options.operands.append(arg)
    return options


async def tar(ctx: Ctx) -> int:
    options = parse(ctx.argv[1:])
    if options.error:
        await ctx.err(f"tar: {options.error}\n{USAGE}")
        return 1
    modes = options.flags & {"c", "x", "t"}
    if len(modes) != 1:
        await ctx.err(USAGE)
        return 1
    base = normpath(options.directory, ctx.cwd) if options.directory else ctx.cwd
    if options.directory:
        try:
            found = ctx.view.resolve(base)
        except PermissionDenied:
            found = None
        if found is None or not ctx.view.is_dir(found):
            await ctx.err(f"tar: can't change directory to '{options.directory}': No such file or directory\n")
            return 1
    if "c" in modes:
        return await _create(ctx, options, base)
    return await _extract(ctx, options, base, list_only="t" in modes)


# -- create ----------------------------------------------------------------------------------


def _add(archive: tarfile.TarFile, view: ProcessView, path: str, name: str, when: int) -> None:
    try:
        resolved = view.resolve(path)
    except PermissionDenied:
        return
    if resolved is None:
        return
    info = tarfile.TarInfo(name)
    info.mtime, info.uname, info.gname = when, "root", "root"
    if view.is_dir(resolved):
        info.type, info.mode = tarfile.DIRTYPE, 0o755
        info.name = name.rstrip("/") + "/"
        archive.addfile(info)
        for child in view.listdir(resolved):
            if path == "/" and child == "proc":  # busybox would walk every process's /proc entries
                continue
            _add(archive, view, path.rstrip("/") + "/" + child, name.rstrip("/") + "/" + child, when)
        return
    if resolved.synthetic is not None:
        content = resolved.synthetic.encode(errors="surrogateescape")
    elif resolved.fs is not None:
        content = resolved.fs.read_bytes(resolved.path) or b""
    else:
        content = b""
    executable = resolved.fs is not None and resolved.synthetic is None and resolved.fs.is_executable(resolved.path)
    info.size, info.mode = len(content), 0o755 if executable else 0o644
    archive.addfile(info, io.BytesIO(content))


async def _create(ctx: Ctx, options: Options, base: str) -> int:
    if not options.operands:
        await ctx.err("tar: empty archive\n")
        return 1
    status = 0
    warned = False
    buffer = io.BytesIO()
    when = int(time.time())
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for operand in options.operands:
            path = normpath(operand, base)
            try:
                found = ctx.view.resolve(path)
            except PermissionDenied:
                await ctx.err(f"tar: {operand}: Permission denied\n")
                status = 1
                continue
            if found is None:
                await ctx.err(f"tar: {operand}: No such file or directory\n")
                status = 1
                continue
            name = operand
            if name.startswith("/"):
                if not warned:
                    await ctx.err("tar: removing leading '/' from member names\n")
                    warned = True
                name = name.lstrip("/")
            name = posixpath.normpath(name) if name else "."
            _add(archive, ctx.view, path, "./" if name == "." and path == "/" else name, when)
            if "v" in options.flags:
                await ctx.err(name + "\n")
    data = buffer.getvalue()
    if "z" in options.flags:
        data = gzip.compress(data, mtime=0)
    if options.archive in (None, "-"):
        await ctx.stdout.write(data)
    else:
        fs, target = ctx.files(options.archive)
        fs.write_bytes(target, data)
    return status


# -- extract / list --------------------------------------------------------------------------


def _destination(ctx: Ctx, base: str, name: str) -> tuple[Filesystem, str]:
    """Where a member lands: under `base` as the process sees it (a volume, /proc/<pid>/root)."""
    resolved = ctx.view.resolve(base)
    if resolved is not None and resolved.fs is not None and resolved.fs is not ctx.container.fs:
        return resolved.fs, normpath(name, resolved.path)
    return ctx.files(normpath(name, base))


def _listing(member: tarfile.TarInfo, shown: str) -> str:
    kind = "d" if member.isdir() else "l" if member.issym() else "-"
    mode = "".join(c if member.mode & (1 << (8 - i)) else "-" for i, c in enumerate("rwxrwxrwx"))
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(member.mtime))
    link = f" -> {member.linkname}" if member.issym() else ""
    return f"{kind}{mode} {member.uname or member.uid}/{member.gname or member.gid} {member.size:>9} {when} " \
           f"{shown}{link}"


async def _read_archive(ctx: Ctx, options: Options) -> bytes | None:
    if options.archive in (None, "-"):
        return await read_all(ctx.stdin)
    try:
        resolved = ctx.view.resolve(options.archive, ctx.cwd)
    except PermissionDenied:
        resolved = None
    if resolved is None or resolved.fs is None or ctx.view.is_dir(resolved):
        await ctx.err(f"tar: can't open '{options.archive}': No such file or directory\n")
        return None
    return resolved.fs.read_bytes(resolved.path) or b""


async def _extract(ctx: Ctx, options: Options, base: str, list_only: bool) -> int:
    data = await _read_archive(ctx, options)
    if data is None:
        return 1
    if not data:
        await ctx.err("tar: short read\n")
        return 1
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            await ctx.err("tar: short read\n")
            return 1
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    except tarfile.TarError:
        await ctx.err("tar: invalid tar magic\n")
        return 1
    warned = False
    with archive:
        try:
            for member in archive:
                shown = member.name + ("/" if member.isdir() else "")  # as stored (tarfile drops the slash)
                if list_only:
                    await ctx.out((_listing(member, shown) if "v" in options.flags else shown) + "\n")
                    continue
                name = member.name
                if name.startswith("/"):
                    if not warned:
                        await ctx.err("tar: removing leading '/' from member names\n")
                        warned = True
                    name = name.lstrip("/")
                if ".." in name.split("/"):
                    await ctx.err(f"tar: skipping unsafe path: {member.name}\n")
                    continue
                if "v" in options.flags:
                    await ctx.out(shown + "\n")
                extracted = archive.extractfile(member) if member.isreg() else None
                if "O" in options.flags:
                    if extracted is not None:
                        await ctx.stdout.write(extracted.read())
                    continue
                if ctx.view.read_only(normpath(name or ".", base)):
                    await ctx.err(f"tar: can't create '{name}': Read-only file system\n")
                    return 1
                fs, target = _destination(ctx, base, name or ".")
                if member.isdir():
                    fs.mkdir(target)
                elif extracted is not None:
                    fs.write_bytes(target, extracted.read())
                # links and devices: the simulated filesystem has none
        except tarfile.TarError:
            await ctx.err("tar: short read\n")
            return 1
    return 0
