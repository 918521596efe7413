"""The busybox applets of the simulated shell (ps, ls, cat, wget, seq, ...), busybox-formatted."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tui.demo.container.filesystem import Filesystem, normpath
from tui.demo.container.processes import Container, PodSandbox, Process
from tui.demo.container.stdio import Input, Output, ProcessIO, Resize
from tui.demo.container.vfs import PermissionDenied, ProcessView, Resolved

KERNEL = "6.1.0-ephemera"
SEQ_CHUNK = 65536


@dataclass
class Ctx:
    """What a running command gets: its process, argv, environment and standard streams."""

    container: Container
    process: Process
    argv: list[str]
    env: dict[str, str]
    cwd: str
    stdin: Input
    stdout: Output
    stderr: Output
    io: ProcessIO
    """The terminal (or pipes) of the session: tty flag and size."""
    is_main: bool = False

    async def out(self, text: str) -> None:
        await self.stdout.write(text.encode(errors="surrogateescape"))  # a binary file's bytes as stored

    async def err(self, text: str) -> None:
        await self.stderr.write(text.encode(errors="surrogateescape"))

    @property
    def view(self) -> ProcessView:
        return ProcessView(self.container, self.process)

    def files(self, path: str, cwd: str | None = None) -> tuple[Filesystem, str]:
        """(filesystem, path in it) of a path relative to `cwd` (the command's): a volume's when
        it is under a mount point (hostPath, emptyDir), else the container's own."""
        absolute = normpath(path, self.cwd if cwd is None else cwd)
        parts = absolute.split("/", 5)  # "", "proc", PID, "root", rest...
        if len(parts) >= 4 and parts[1] == "proc" and parts[3] == "root":
            # another process's root (a shared PID namespace): writes land in its container's files,
            # as `cat > /proc/<pid>/root/tmp/x` does on a node
            try:
                root = self.view.resolve("/".join(parts[:4]))
            except PermissionDenied:
                root = None
            if root is not None and root.fs is not None and root.synthetic is None:
                return root.fs, normpath("/" + (parts[4] if len(parts) > 4 else "") +
                                         ("/" + parts[5] if len(parts) > 5 else ""), "/")
        return self.view.mounted(absolute) or (self.container.fs, absolute)

    @property
    def sandbox(self) -> PodSandbox:
        return self.container.sandbox

    @property
    def name(self) -> str:
        return self.argv[0].rsplit("/", 1)[-1]


Command = Callable[[Ctx], Awaitable[int]]
COMMANDS: dict[str, Command] = {}


def command(*names: str) -> Callable[[Command], Command]:
    def register(func: Command) -> Command:
        for name in names:
            COMMANDS[name] = func
        return func
    return register


# -- helpers ---------------------------------------------------------------------------------


def user_names(container: Container) -> dict[int, str]:
    """uid -> name from the calling container's /etc/passwd (as ps and id resolve them)."""
    names: dict[int, str] = {}
    for line in (container.fs.read("/etc/passwd") or "").splitlines():
        fields = line.split(":")
        if len(fields) > 2 and fields[2].isdigit():
            names.setdefault(int(fields[2]), fields[0])
    return names


def user_name(container: Container, uid: int) -> str:
    return user_names(container).get(uid, str(uid))


async def read_all(stdin: Input) -> bytes:
    parts: list[bytes] = []
    while True:
        event = await stdin.read_event()
        if event is None:
            return b"".join(parts)
        if isinstance(event, bytes):
            parts.append(event)


def split_flags(argv: list[str]) -> tuple[set[str], list[str]]:
    """Single-letter flags (`-la` -> {l, a}) and operands; `--` ends flags."""
    flags: set[str] = set()
    operands: list[str] = []
    only_operands = False
    for arg in argv:
        if not only_operands and arg == "--":
            only_operands = True
        elif not only_operands and arg.startswith("-") and len(arg) > 1 and not arg[1:].isdigit():
            flags.update(arg.lstrip("-") if not arg.startswith("--") else {arg})
        else:
            operands.append(arg)
    return flags, operands


async def input_text(ctx: Ctx, files: list[str]) -> tuple[str, int]:
    """Concatenated files (or stdin when none), with busybox errors printed; (text, status)."""
    if not files:  # bytes that are not UTF-8 are kept (surrogate escapes), as `ctx.out` writes them back
        return (await read_all(ctx.stdin)).decode(errors="surrogateescape"), 0
    status = 0
    parts: list[str] = []
    for name in files:
        content, error = read_file(ctx, name)
        if error:
            await ctx.err(f"{ctx.name}: {error}\n")
            status = 1
        else:
            parts.append(content or "")
    return "".join(parts), status


def read_file(ctx: Ctx, name: str) -> tuple[str | None, str | None]:
    """(content, error message)."""
    try:
        resolved = ctx.view.resolve(name, ctx.cwd)
    except PermissionDenied:
        return None, f"can't open '{name}': Permission denied"
    if resolved is None:
        return None, f"can't open '{name}': No such file or directory"
    if ctx.view.is_dir(resolved):
        return None, "read error: Is a directory"
    return ctx.view.read(resolved) or "", None


# -- processes -------------------------------------------------------------------------------


def _cpu_time(process: Process) -> str:
    seconds = int((time.monotonic() - process.started) / 600)
    return f"{seconds // 60}:{seconds % 60:02d}"


@command("ps")
async def ps(ctx: Ctx) -> int:
    lines = ["PID   USER     TIME  COMMAND"]
    for process in ctx.container.pidns.sorted():
        user = user_name(ctx.container, process.user)[:8]
        lines.append(f"{process.pid:>5} {user:<8} {_cpu_time(process):>5} {process.command}")
    if ctx.io.tty:
        lines = [line[: ctx.io.cols] for line in lines]
    await ctx.out("\n".join(lines) + "\n")
    return 0


def _matching(ctx: Ctx, pattern: str, full: bool, exact: bool) -> list[Process]:
    found = []
    for process in ctx.container.pidns.sorted():
        if process is ctx.process:
            continue
        subject = process.command if full else process.name
        if (exact and subject == pattern) or (not exact and re.search(pattern, subject)):
            found.append(process)
    return found


@command("pgrep")
async def pgrep(ctx: Ctx) -> int:
    flags, operands = split_flags(ctx.argv[1:])
    if not operands:
        await ctx.err("pgrep: must specify a pattern\n")
        return 2
    try:
        found = _matching(ctx, operands[0], "f" in flags, "x" in flags)
    except re.error:
        await ctx.err(f"pgrep: bad regex '{operands[0]}'\n")
        return 2
    if "l" in flags:
        await ctx.out("".join(f"{p.pid} {p.name}\n" for p in found))
    else:
        await ctx.out("".join(f"{p.pid}\n" for p in found))
    return 0 if found else 1


@command("pidof")
async def pidof(ctx: Ctx) -> int:
    found = [p for name in ctx.argv[1:] for p in _matching(ctx, re.escape(name), False, True)]
    if found:
        await ctx.out(" ".join(str(p.pid) for p in sorted(found, key=lambda p: -p.pid)) + "\n")
    return 0 if found else 1


# -- files -----------------------------------------------------------------------------------


def _mode(view: ProcessView, resolved: Resolved, name: str) -> str:
    if view.is_dir(resolved):
        return "drwxr-xr-x"
    if resolved.fs is not None and resolved.synthetic is None and resolved.fs.is_executable(resolved.path):
        return "-rwxr-xr-x"
    return "-r--r--r--" if resolved.synthetic is not None else "-rw-r--r--"


def _columns(names: list[str], width: int) -> str:
    """busybox `ls` on a terminal: column-major, each column as wide as the longest name + 2."""
    if not names:
        return ""
    col_width = max(len(n) for n in names) + 2
    ncols = max(1, width // col_width)
    nrows = -(-len(names) // ncols)
    lines = []
    for row in range(nrows):
        cells = [names[i] for i in range(row, len(names), nrows)]
        line = "".join(cell.ljust(col_width) for cell in cells[:-1]) + cells[-1]
        lines.append(line)
    return "\n".join(lines) + "\n"


@command("ls")
async def ls(ctx: Ctx) -> int:
    flags, operands = split_flags(ctx.argv[1:])
    long = "l" in flags
    show_all = "a" in flags or "A" in flags
    one_per_line = "1" in flags or not ctx.io.tty or ctx.stdout is not ctx.io.stdout
    targets = operands or ["."]
    status = 0
    view = ctx.view
    files: list[tuple[str, Resolved]] = []
    dirs: list[tuple[str, Resolved]] = []
    for target in targets:
        try:
            resolved = view.resolve(target, ctx.cwd)
        except PermissionDenied:
            await ctx.err(f"ls: {target}: Permission denied\n")
            status = 1
            continue
        if resolved is None:
            await ctx.err(f"ls: {target}: No such file or directory\n")
            status = 1
        elif view.is_dir(resolved) and "d" not in flags:
            dirs.append((target, resolved))
        else:
            files.append((target, resolved))
    chunks: list[str] = []

    def render(entries: list[tuple[str, Resolved]]) -> str:
        if long:
            rows = []
            for name, resolved in entries:
                size = len(view.read(resolved) or "") if resolved.synthetic is not None else (
                    resolved.fs.size(resolved.path) if resolved.fs is not None else 0)
                if resolved.synthetic is not None:
                    size = 0
                owner = "root"
                rows.append(f"{_mode(view, resolved, name)} {2 if view.is_dir(resolved) else 1:>4} "
                            f"{owner:<8} {owner:<8} {size:>9} Jan  1 00:00 {name}")
            return "".join(r + "\n" for r in rows)
        names = [name for name, _ in entries]
        return "".join(n + "\n" for n in names) if one_per_line else _columns(names, ctx.io.cols)

    if files:
        chunks.append(render(files))
    for index, (target, resolved) in enumerate(dirs):
        names = view.listdir(resolved)
        if not show_all:
            names = [n for n in names if not n.startswith(".")]
        elif "a" in flags:
            names = [".", "..", *names]
        entries: list[tuple[str, Resolved]] = []
        for name in names:
            if name in (".", ".."):
                entries.append((name, resolved))
                continue
            try:
                child = view.resolve(name, resolved_path(target, ctx.cwd))
            except PermissionDenied:
                child = Resolved(None, name, synthetic="")
            entries.append((name, child or Resolved(None, name, synthetic="")))
        header = f"{target}:\n" if len(targets) > 1 else ""
        if long:
            header += f"total {len(entries) * 4}\n"
        separator = "\n" if (files or index) and len(targets) > 1 else ""
        chunks.append(separator + header + render(entries))
    await ctx.out("".join(chunks))
    return status


def resolved_path(target: str, cwd: str) -> str:
    return normpath(target, cwd)


@command("cat")
async def cat(ctx: Ctx) -> int:
    _, files = split_flags(ctx.argv[1:])
    if not files or files == ["-"]:
        if ctx.io.tty and ctx.stdin is ctx.io.stdin:
            return await _cat_terminal(ctx)
        await ctx.stdout.write(await read_all(ctx.stdin))
        return 0
    text, status = await input_text(ctx, files)
    await ctx.out(text)
    return status


async def _cat_terminal(ctx: Ctx) -> int:
    """`cat` on a tty in canonical mode: the line discipline echoes, cat prints whole lines."""
    line = b""
    while True:
        event = await ctx.stdin.read_event()
        if event is None:
            return 0
        if isinstance(event, Resize):
            continue
        for byte in event.replace(b"\r", b"\n"):
            char = bytes([byte])
            if char == b"\x04":
                if line:
                    await ctx.stdout.write(line)
                    line = b""
                    continue
                return 0
            if char in (b"\x7f", b"\x08"):
                if line:
                    line = line[:-1]
                    await ctx.stdout.write(b"\b \b")
                continue
            await ctx.stdout.write(char)
            line += char
            if char == b"\n":
                await ctx.stdout.write(line)
                line = b""


@command("echo")
async def echo(ctx: Ctx) -> int:
    args = ctx.argv[1:]
    newline, escapes = True, False
    while args and args[0] in ("-n", "-e", "-ne", "-en", "-E"):
        newline = newline and "n" not in args[0]
        escapes = escapes or "e" in args[0]
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = echo_escapes(text)
        newline = newline and not stop
    await ctx.out(text + ("\n" if newline else ""))
    return 0


_ECHO_SIMPLE = {"\\": "\\", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def echo_escapes(text: str) -> tuple[str, bool]:
    """busybox `echo -e`: \\n \\t \\e ..., \\0NNN octal, \\xHH hex, \\c stops all output (and the
    newline). Other text, non-ASCII included, is kept as it is. Returns (text, stopped)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "\\" or i + 1 >= len(text):
            out.append(char)
            i += 1
            continue
        code = text[i + 1]
        if code in _ECHO_SIMPLE:
            out.append(_ECHO_SIMPLE[code])
            i += 2
        elif code == "c":
            return "".join(out), True
        elif code == "0":
            digits = ""
            while len(digits) < 3 and i + 2 + len(digits) < len(text) and text[i + 2 + len(digits)] in "01234567":
                digits += text[i + 2 + len(digits)]
            out.append(chr(int(digits or "0", 8) & 0xFF))
            i += 2 + len(digits)
        elif code == "x" and i + 2 < len(text) and text[i + 2] in "0123456789abcdefABCDEF":
            digits = text[i + 2]
            if i + 3 < len(text) and text[i + 3] in "0123456789abcdefABCDEF":
                digits += text[i + 3]
            out.append(chr(int(digits, 16)))
            i += 2 + len(digits)
        else:
            out.append("\\" + code)
            i += 2
    return "".join(out), False


@command("head", "tail")
async def head_tail(ctx: Ctx) -> int:
    """`head`/`tail` of lines (`-n N`, `-N`) or bytes (`-c N`); `tail -n +N` / `-c +N` start at the
    N-th line or byte (what `kubectl cp --retries` runs: `tar cf - PATH | tail -c+OFFSET`)."""
    count, from_start, unit = 10, False, "lines"
    files: list[str] = []
    args = ctx.argv[1:]
    index = 0
    while index < len(args):
        arg = args[index]
        value: str | None = None
        if arg in ("-n", "-c") and index + 1 < len(args):
            value, unit = args[index + 1], "bytes" if arg == "-c" else "lines"
            index += 1
        elif arg.startswith(("-n", "-c")):
            value, unit = arg[2:], "bytes" if arg.startswith("-c") else "lines"
        elif arg.startswith("-") and arg[1:].isdigit():
            value = arg[1:]
        else:
            files.append(arg)
        if value is not None:
            from_start = value.startswith("+")
            digits = value.lstrip("+-")
            if not digits.isdigit():
                await ctx.err(f"{ctx.name}: invalid number '{value}'\n")
                return 1
            count = int(digits)
        index += 1
    text, status = await input_text(ctx, files)
    if unit == "bytes":
        data = text.encode(errors="surrogateescape")
        if ctx.name == "head":
            await ctx.stdout.write(data[:count])
        else:
            await ctx.stdout.write(data[max(count - 1, 0):] if from_start else data[-count:] if count else b"")
        return status
    lines = text.splitlines(keepends=True)
    if ctx.name == "head":
        chosen = lines[:count]
    else:
        chosen = lines[max(count - 1, 0):] if from_start else lines[-count:] if count else []
    await ctx.out("".join(chosen))
    return status


@command("grep")
async def grep(ctx: Ctx) -> int:
    flags, operands = split_flags(ctx.argv[1:])
    if not operands:
        await ctx.err("Usage: grep [-ivnc] PATTERN [FILE]...\n")
        return 2
    pattern, files = operands[0], operands[1:]
    try:
        regex = re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
    except re.error:
        regex = re.compile(re.escape(pattern), re.IGNORECASE if "i" in flags else 0)
    text, status = await input_text(ctx, files)
    matched = [
        (number, line) for number, line in enumerate(text.splitlines(), 1)
        if bool(regex.search(line)) != ("v" in flags)
    ]
    if "c" in flags:
        await ctx.out(f"{len(matched)}\n")
    elif "q" not in flags:
        await ctx.out("".join(f"{n}:{line}\n" if "n" in flags else f"{line}\n" for n, line in matched))
    return 0 if matched else (status or 1)


@command("sha256sum")
async def sha256sum(ctx: Ctx) -> int:
    """`sha256sum [FILE]...` (stdin without one): the digest of the bytes as stored, two spaces, the name."""
    _, files = split_flags(ctx.argv[1:])
    status = 0
    for name in files or ["-"]:
        if name == "-":
            data = await read_all(ctx.stdin)
        else:
            content, error = read_file(ctx, name)
            if error:
                await ctx.err(f"sha256sum: {error}\n")
                status = 1
                continue
            data = (content or "").encode(errors="surrogateescape")
        await ctx.out(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
    return status


@command("wc")
async def wc(ctx: Ctx) -> int:
    flags, files = split_flags(ctx.argv[1:])
    text, status = await input_text(ctx, files)
    counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode(errors="surrogateescape"))}
    chosen = [key for key in "lwc" if key in flags] or ["l", "w", "c"]
    width = 1 if len(chosen) == 1 else 7
    await ctx.out(" ".join(f"{counts[key]:>{width}}" for key in chosen) + "\n")
    return status


_TR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "0": "\0", "a": "\a", "b": "\b", "f": "\f",
               "v": "\v"}
_TR_CLASSES = {"[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "[:lower:]": "abcdefghijklmnopqrstuvwxyz",
               "[:digit:]": "0123456789", "[:space:]": " \t\n\r\f\v", "[:blank:]": " \t",
               "[:alpha:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
               "[:alnum:]": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}


def tr_set(spec: str) -> str:
    """A `tr` set: escapes (`\\0` `\\n` `\\t` ...), ranges (`a-z`) and `[:class:]`es."""
    chars: list[str] = []
    index = 0
    while index < len(spec):
        for name, members in _TR_CLASSES.items():
            if spec.startswith(name, index):
                chars.extend(members)
                index += len(name)
                break
        else:
            char = spec[index]
            index += 1
            if char == "\\" and index < len(spec):
                octal = re.match(r"[0-7]{1,3}", spec[index:])
                if octal is not None:
                    char, index = chr(int(octal.group(), 8)), index + len(octal.group())
                else:
                    char, index = _TR_ESCAPES.get(spec[index], spec[index]), index + 1
            if index + 1 < len(spec) and spec[index] == "-":
                end = spec[index + 1]
                if ord(end) >= ord(char):
                    chars.extend(chr(code) for code in range(ord(char), ord(end) + 1))
                    index += 2
                    continue
            chars.append(char)
    return "".join(chars)


@command("tr")
async def tr(ctx: Ctx) -> int:
    """busybox `tr [-cds] STRING1 [STRING2]`: translate, delete (-d) or squeeze (-s) stdin."""
    flags, sets = split_flags(ctx.argv[1:])
    if not sets or (len(sets) < 2 and not flags & {"d", "s"}):
        await ctx.err("Usage: tr [-cds] STRING1 [STRING2]\n")
        return 1
    text = (await read_all(ctx.stdin)).decode(errors="replace")
    first = tr_set(sets[0])
    second = tr_set(sets[1]) if len(sets) > 1 else ""
    if "c" in flags:
        first = "".join(sorted({char for char in text if char not in first}))
    if "d" in flags:
        text = "".join(char for char in text if char not in first)
        squeeze = second
    else:
        if second:
            padded = second + second[-1] * max(0, len(first) - len(second))
            table = {ord(char): padded[position] for position, char in enumerate(first)}
            text = text.translate(table)
        squeeze = second or first
    if "s" in flags:
        text = re.sub("(" + "|".join(re.escape(char) for char in set(squeeze)) + r")\1+", r"\1", text) \
            if squeeze else text
    await ctx.stdout.write(text.encode())
    return 0


@command("sort")
async def sort(ctx: Ctx) -> int:
    flags, files = split_flags(ctx.argv[1:])
    text, status = await input_text(ctx, files)
    lines = text.splitlines()

    def numeric(line: str) -> float:  # -n: the leading number, 0 for a line without one
        match = re.match(r"\s*(-?\d+(\.\d+)?)", line)
        return float(match.group(1)) if match else 0.0

    lines.sort(key=numeric if "n" in flags else None, reverse="r" in flags)
    await ctx.out("".join(line + "\n" for line in lines))
    return status


@command("mkdir")
async def mkdir(ctx: Ctx) -> int:
    _, operands = split_flags(ctx.argv[1:])
    status = 0
    for operand in operands:
        if ctx.view.read_only(operand, ctx.cwd):
            await ctx.err(f"mkdir: can't create directory '{operand}': Read-only file system\n")
            status = 1
            continue
        fs, path = ctx.files(operand)
        fs.mkdir(path)
    return status


@command("touch")
async def touch(ctx: Ctx) -> int:
    _, operands = split_flags(ctx.argv[1:])
    status = 0
    for operand in operands:
        fs, path = ctx.files(operand)
        if not fs.exists(path):
            if ctx.view.read_only(operand, ctx.cwd):
                await ctx.err(f"touch: {operand}: Read-only file system\n")
                status = 1
                continue
            fs.write(path, "")
    return status


@command("rm")
async def rm(ctx: Ctx) -> int:
    _, operands = split_flags(ctx.argv[1:])
    status = 0
    for operand in operands:
        fs, path = ctx.files(operand)
        if fs.exists(path) and ctx.view.read_only(operand, ctx.cwd):
            await ctx.err(f"rm: can't remove '{operand}': Read-only file system\n")
            status = 1
            continue
        if not fs.remove(path):
            await ctx.err(f"rm: can't remove '{operand}': No such file or directory\n")
            status = 1
    return status


@command("which")
async def which(ctx: Ctx) -> int:
    status = 0
    for name in ctx.argv[1:]:
        found = ctx.container.fs.which(name, ctx.env.get("PATH", ""))
        if found:
            await ctx.out(found + "\n")
        else:
            status = 1
    return status


# -- system ----------------------------------------------------------------------------------


@command("env", "printenv")
async def env(ctx: Ctx) -> int:
    await ctx.out("".join(f"{key}={value}\n" for key, value in ctx.env.items()))
    return 0


@command("hostname")
async def hostname(ctx: Ctx) -> int:
    if "-i" in ctx.argv:
        await ctx.out(ctx.sandbox.ip + "\n")
    else:
        await ctx.out(ctx.sandbox.hostname + "\n")
    return 0


@command("id")
async def id_(ctx: Ctx) -> int:
    uid = ctx.process.user
    name = user_names(ctx.container).get(uid)
    label = f"{uid}({name})" if name else str(uid)
    groups = f"{label},10(wheel)" if uid == 0 else label
    await ctx.out(f"uid={label} gid={label} groups={groups}\n")
    return 0


@command("whoami")
async def whoami(ctx: Ctx) -> int:
    name = user_names(ctx.container).get(ctx.process.user)
    if name is None:
        await ctx.err(f"whoami: unknown uid {ctx.process.user}\n")
        return 1
    await ctx.out(name + "\n")
    return 0


@command("uname")
async def uname(ctx: Ctx) -> int:
    flags, _ = split_flags(ctx.argv[1:])
    fields = {"s": "Linux", "n": ctx.sandbox.hostname, "r": KERNEL,
              "v": "#1 SMP PREEMPT_DYNAMIC", "m": "x86_64", "o": "GNU/Linux"}
    chosen = list("snrvmo") if "a" in flags else [f for f in "snrvmo" if f in flags] or ["s"]
    await ctx.out(" ".join(fields[f] for f in chosen) + "\n")
    return 0


@command("date")
async def date(ctx: Ctx) -> int:
    await ctx.out(time.strftime("%a %b %e %H:%M:%S UTC %Y", time.gmtime()) + "\n")
    return 0


@command("uptime")
async def uptime(ctx: Ctx) -> int:
    users = len(ctx.container.pidns.visible())
    await ctx.out(time.strftime(" %H:%M:%S", time.gmtime())
                  + f" up 1:00,  0 users,  load average: 0.08, 0.03, 0.01 ({users} tasks)\n")
    return 0


STATIC_OUTPUT = {
    "free": "              total        used        free      shared  buff/cache   available\n"
            "Mem:        8029412     1709108     5120304        3312     1200000     6553600\n"
            "Swap:             0           0           0\n",
    "df": "Filesystem           1K-blocks      Used Available Use% Mounted on\n"
          "overlay               61202244  12016768  46044208  21% /\n"
          "tmpfs                    65536         0     65536   0% /dev\n",
}


@command(*STATIC_OUTPUT)
async def static_output(ctx: Ctx) -> int:
    """Commands whose simulated output never changes."""
    await ctx.out(STATIC_OUTPUT[ctx.name])
    return 0


@command("stty")
async def stty(ctx: Ctx) -> int:
    if not ctx.io.tty:
        await ctx.err("stty: standard input: Not a tty\n")
        return 1
    if ctx.argv[1:] == ["size"]:
        await ctx.out(f"{ctx.io.rows} {ctx.io.cols}\n")
    elif ctx.argv[1:] == ["-a"]:
        await ctx.out(f"speed 38400 baud;stty: rows {ctx.io.rows}; columns {ctx.io.cols}; line = 0;\n")
    return 0


@command("clear")
async def clear(ctx: Ctx) -> int:
    await ctx.out("\x1b[H\x1b[J")
    return 0


_SLEEP_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SLEEP_ARG = re.compile(r"(\d+\.?\d*|\.\d+)([smhd]?)")


def sleep_seconds(arg: str) -> float | None:
    """busybox `sleep` operands: `N`, fractions (`0.5`), a unit suffix (`30s`, `5m`, `2h`, `1d`),
    `inf` / `infinity`; None when busybox would say "invalid number"."""
    if arg.lower() in ("inf", "infinity"):
        return float("inf")
    match = _SLEEP_ARG.fullmatch(arg)
    if match is None:
        return None
    return float(match.group(1)) * _SLEEP_UNITS[match.group(2)]


@command("sleep")
async def sleep(ctx: Ctx) -> int:
    if not ctx.argv[1:]:
        await ctx.err("Usage: sleep [N]...\n\nPause for a time equal to the total of the args given, "
                      "where each arg can have an optional suffix of (s)econds, (m)inutes, (h)ours, "
                      "or (d)ays\n")
        return 1
    seconds = 0.0
    for arg in ctx.argv[1:]:
        value = sleep_seconds(arg)
        if value is None:
            await ctx.err(f"sleep: invalid number '{arg}'\n")
            return 1
        seconds += value
    if seconds == float("inf"):
        await asyncio.Event().wait()
    await asyncio.sleep(seconds)
    return 0


def _test(args: list[str]) -> bool:
    """`test` / `[`: strings, integers and file checks of the container's own filesystem."""
    if not args:
        return False
    if args[0] == "!":
        return not _test(args[1:])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        return {"-n": args[1] != "", "-z": args[1] == ""}.get(args[0], False)
    left, op, right = args[0], args[1], args[2]
    if op in ("=", "=="):
        return left == right
    if op == "!=":
        return left != right
    try:
        a, b = int(left), int(right)
    except ValueError:
        return False
    return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}.get(op, False)


@command("test", "[")
async def test(ctx: Ctx) -> int:
    args = ctx.argv[1:]
    if ctx.name == "[":
        if not args or args[-1] != "]":
            await ctx.err("[: missing ]\n")
            return 2
        args = args[:-1]
    if len(args) == 2 and args[0] in ("-e", "-f", "-d"):
        try:  # through the process's view, as cat and tar read: /proc/<pid>/root/... and volumes too
            found = ctx.view.resolve(args[1], ctx.cwd)
        except PermissionDenied:
            return 1
        if found is None:
            return 1
        is_dir = ctx.view.is_dir(found)
        return 0 if args[0] == "-e" or is_dir == (args[0] == "-d") else 1
    return 0 if _test(args) else 1


@command("true")
async def true(ctx: Ctx) -> int:
    return 0


@command("false")
async def false(ctx: Ctx) -> int:
    return 1


@command("seq")
async def seq(ctx: Ctx) -> int:
    """Fast: numbers are generated and written in large chunks, awaiting each write."""
    try:
        numbers = [int(arg) for arg in ctx.argv[1:]]
    except ValueError:
        await ctx.err(f"seq: invalid number '{ctx.argv[-1]}'\n")
        return 1
    if len(numbers) == 1:
        first, step, last = 1, 1, numbers[0]
    elif len(numbers) == 2:
        first, step, last = numbers[0], 1, numbers[1]
    elif len(numbers) == 3:
        first, step, last = numbers
    else:
        await ctx.err("Usage: seq [-w] [-s SEP] [FIRST [INC]] LAST\n")
        return 1
    if step == 0:
        return 1
    stop = last + (1 if step > 0 else -1)
    for start in range(first, stop, SEQ_CHUNK * step):
        end = start + SEQ_CHUNK * step
        end = min(end, stop) if step > 0 else max(end, stop)
        await ctx.stdout.write(("\n".join(map(str, range(start, end, step))) + "\n").encode())
        await asyncio.sleep(0)
    return 0


# -- network ---------------------------------------------------------------------------------

_LOCAL_NAMES = ("localhost", "127.0.0.1", "0.0.0.0", "::1")


def _parse_url(url: str) -> tuple[str, int, str]:
    url = re.sub(r"^https?://", "", url)
    hostport, _, path = url.partition("/")
    host, _, port = hostport.partition(":")
    return host, int(port) if port.isdigit() else 80, "/" + path


@command("wget")
async def wget(ctx: Ctx) -> int:
    args = ctx.argv[1:]
    quiet = False
    output: str | None = None
    urls: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in ("-O", "--output-document") and index + 1 < len(args):
            output = args[index + 1]
            index += 1
        elif arg.startswith("-") and not arg.startswith("--") and "O" in arg:
            quiet = quiet or "q" in arg
            rest = arg.split("O", 1)[1]
            if rest:
                output = rest
            elif index + 1 < len(args):
                output = args[index + 1]
                index += 1
        elif arg in ("-q", "--quiet"):
            quiet = True
        elif arg.startswith("-"):
            pass
        else:
            urls.append(arg)
        index += 1
    if not urls:
        await ctx.err("BusyBox v1.36.1 multi-call binary.\n\nUsage: wget [-cqS] [-O FILE] URL...\n")
        return 1
    host, port, path = _parse_url(urls[0])
    sandbox = ctx.sandbox
    if host in _LOCAL_NAMES or host == sandbox.hostname:
        address = "127.0.0.1" if host in _LOCAL_NAMES else sandbox.ip
    elif host == sandbox.ip:
        address = host
    else:
        await ctx.err(f"wget: bad address '{host}'\n")
        return 1
    if not quiet:
        await ctx.err(f"Connecting to {host}:{port} ({address}:{port})\n")
    listener = sandbox.listeners.get(port)
    if listener is None:
        await ctx.err(f"wget: can't connect to remote host ({address}): Connection refused\n")
        return 1
    code, reason, body = await listener.handler("GET", path)
    if code >= 400:
        await ctx.err(f"wget: server returned error: HTTP/1.0 {code} {reason}\n")
        return 1
    if output is None:
        output = path.rstrip("/").rsplit("/", 1)[-1] or "index.html"
    to_stdout = output == "-"
    if not quiet:
        await ctx.err("writing to stdout\n" if to_stdout else f"saving to '{output}'\n")
    if to_stdout:
        await ctx.stdout.write(body)
    else:
        ctx.container.fs.write(normpath(output, ctx.cwd), body.decode(errors="replace"))
    if not quiet:
        label = "-" if to_stdout else output
        await ctx.err(f"{label:<20} 100% |{'*' * 32}| {len(body):>5}  0:00:00 ETA\n")
        await ctx.err("written to stdout\n" if to_stdout else f"'{output}' saved\n")
    return 0


@command("nslookup")
async def nslookup(ctx: Ctx) -> int:
    _, operands = split_flags(ctx.argv[1:])
    if not operands:
        await ctx.err("Usage: nslookup [-type=QUERY_TYPE] HOST [DNS_SERVER]\n")
        return 1
    name = operands[0]
    server = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
    known = {
        "kubernetes": "10.96.0.1", "kubernetes.default": "10.96.0.1",
        "kubernetes.default.svc": "10.96.0.1", "kubernetes.default.svc.cluster.local": "10.96.0.1",
        "localhost": "127.0.0.1", ctx.sandbox.hostname: ctx.sandbox.ip,
    }
    if name not in known:
        await ctx.out(server + f"** server can't find {name}.{ctx.sandbox.namespace}.svc.cluster.local: NXDOMAIN\n\n")
        return 1
    fqdn = name if name in ("localhost", ctx.sandbox.hostname) or name.endswith(".local") else \
        "kubernetes.default.svc.cluster.local"
    await ctx.out(server + f"Name:\t{fqdn}\nAddress: {known[name]}\n\n")
    return 0


@command("ip", "ifconfig")
async def ip(ctx: Ctx) -> int:
    address = ctx.sandbox.ip
    if ctx.name == "ifconfig":
        await ctx.out(
            f"eth0      Link encap:Ethernet  HWaddr 5A:C3:0E:21:7B:1F\n"
            f"          inet addr:{address}  Bcast:10.244.0.255  Mask:255.255.255.0\n"
            f"          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n\n"
            "lo        Link encap:Local Loopback\n"
            "          inet addr:127.0.0.1  Mask:255.0.0.0\n"
            "          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n")
        return 0
    if len(ctx.argv) < 2 or (not "address".startswith(ctx.argv[1]) and ctx.argv[1] not in ("a", "addr")):
        if len(ctx.argv) >= 2 and ctx.argv[1] in ("r", "route"):
            await ctx.out("default via 10.244.0.1 dev eth0\n10.244.0.0/24 dev eth0 scope link  src "
                          f"{address}\n")
            return 0
        await ctx.err("Usage: ip [OPTIONS] address|route|link ...\n")
        return 1
    await ctx.out(
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "    inet 127.0.0.1/8 scope host lo\n"
        "       valid_lft forever preferred_lft forever\n"
        "2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue\n"
        "    link/ether 5a:c3:0e:21:7b:1f brd ff:ff:ff:ff:ff:ff\n"
        f"    inet {address}/24 brd 10.244.0.255 scope global eth0\n"
        "       valid_lft forever preferred_lft forever\n")
    return 0


@command("netstat")
async def netstat(ctx: Ctx) -> int:
    lines = ["Active Internet connections (only servers)",
             "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name"]
    for port in sorted(ctx.sandbox.listeners):
        listener = ctx.sandbox.listeners[port]
        main = listener.container.main
        owner = f"{main.pid}/{main.name}" if main is not None and ctx.container.pidns.find(main.pid) is main \
            else "-"
        lines.append(f"tcp        0      0 {'0.0.0.0:' + str(port):<23} {'0.0.0.0:*':<23} LISTEN      {owner}")
    await ctx.out("\n".join(lines) + "\n")
    return 0
