"""The simulated busybox `sh` (ash): line editing on a tty, plain line reading without one,
`;` `&&` `||` `|` and redirections, `$VAR` / `$(...)` expansion, builtins, and the dispatcher
that runs any program of a simulated container (`run_program`)."""

from __future__ import annotations

import asyncio
import codecs
import fnmatch
import re
from dataclasses import dataclass, field, replace

from tui.demo.container.filesystem import normpath
from tui.demo.container.images import BUSYBOX_APPLETS
from tui.demo.container.processes import Container, Process
from tui.demo.container.stdio import (
    BufferInput,
    BufferOutput,
    Input,
    NullOutput,
    Output,
    ProcessIO,
    Resize,
)
from tui.demo.container.vfs import PermissionDenied
from tui.demo.programs import apps
from tui.demo.programs.applets import COMMANDS, Ctx, echo
from tui.demo.programs.archive import tar
from tui.demo.programs.top import top

BANNER = "# Ephemera demo cluster: simulated busybox shell (type help)\n"
SHELLS = frozenset({"sh", "ash", "bash", "dash", "zsh"})
INTERRUPTED = 130
NOT_FOUND = 127


class ShellSyntaxError(Exception):
    pass


async def run_program(container: Container, process: Process, argv: list[str], io: ProcessIO,
                      is_main: bool) -> int:
    """Run a container's main process or an exec'd process on its standard streams."""
    ctx = Ctx(container, process, list(argv), dict(container.env), container.working_dir,
              io.stdin, io.stdout, io.stderr, io, is_main)
    return await dispatch(ctx)


async def dispatch(ctx: Ctx) -> int:
    """Run the program named by argv[0] (already found in the container's filesystem)."""
    name = ctx.argv[0].rsplit("/", 1)[-1]
    if name in SHELLS:
        return await Shell(ctx).main()
    if name == "busybox" and len(ctx.argv) > 1:
        ctx.argv = ctx.argv[1:]
        return await dispatch(ctx)
    if name == "docker-entrypoint.sh":
        if len(ctx.argv) > 1:
            ctx.argv = ctx.argv[1:]
            return await dispatch(ctx)
        return await apps.forever()
    if name in apps.APPS:
        return await apps.APPS[name](ctx)
    if name == "top":
        return await top(ctx)
    if name == "tar":
        return await tar(ctx)
    if name == "chroot":
        return await chroot(ctx)
    if name in COMMANDS:
        return await COMMANDS[name](ctx)
    if name in BUSYBOX_APPLETS:
        await ctx.err(f"{name}: applet not simulated by the Ephemera demo cluster\n")
        return 1
    return await apps.idle(ctx)


async def chroot(ctx: Ctx) -> int:
    """`chroot NEWROOT [COMMAND...]` (default `/bin/sh -i`): the command runs with NEWROOT's files as
    `/` (PIDs, network and streams stay): `chroot /host` in a node debug pod gives a shell on the
    node's filesystem. NEWROOT must be the root of a filesystem the process sees (a volume's, or
    another container's `/proc/<pid>/root`)."""
    if len(ctx.argv) < 2:
        await ctx.err("BusyBox v1.36.1 multi-call binary.\n\nUsage: chroot NEWROOT [PROG ARGS]\n\n"
                      "Run PROG with root directory set to NEWROOT\n")
        return 1
    target = ctx.argv[1]
    try:
        resolved = ctx.view.resolve(target, ctx.cwd)
    except PermissionDenied:
        resolved = None
    if ctx.process.user != 0:
        await ctx.err(f"chroot: can't change root directory to '{target}': Operation not permitted\n")
        return 1
    if resolved is None or not ctx.view.is_dir(resolved) or resolved.fs is None:
        await ctx.err(f"chroot: can't change root directory to '{target}': No such file or directory\n")
        return 1
    if resolved.path != "/":
        await ctx.err(f"chroot: can't change root directory to '{target}': the Ephemera demo cluster "
                      "simulates chroot into a volume's or a container's root only\n")
        return 1
    argv = ctx.argv[2:] or ["/bin/sh", "-i"]
    if resolved.fs.which(argv[0], ctx.env.get("PATH", "")) is None:
        await ctx.err(f"chroot: can't execute '{argv[0]}': No such file or directory\n")
        return 127
    rooted = replace(ctx.container, fs=resolved.fs, mounts={}, working_dir="/")
    return await dispatch(Ctx(rooted, ctx.process, argv, ctx.env, "/", ctx.stdin, ctx.stdout, ctx.stderr, ctx.io,
                              ctx.is_main))


# -- parsing ---------------------------------------------------------------------------------

_OPERATORS = ("2>&1", "1>&2", ">&2", "&&", "||", "1>>", ">>", "2>>", "1>", "2>", "&>", "|", ";", "&", ">", "<",
              "\n")
_FD_ALIASES = {"1>&2": ">&2", "1>>": ">>", "1>": ">"}  # `1>` is plain `>`
_REDIRECTS = frozenset({">", ">>", "2>", "2>>", "&>", "<"})


@dataclass
class SimpleCommand:
    words: list[str] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Loop:
    """`while`/`until COND; do BODY; done`."""

    until: bool
    condition: list[AndOr]
    body: list[AndOr]


@dataclass
class ForLoop:
    variable: str
    words: list[str]
    body: list[AndOr]


@dataclass
class IfClause:
    branches: list[tuple[list[AndOr], list[AndOr]]]
    otherwise: list[AndOr] | None


Command = SimpleCommand | Loop | ForLoop | IfClause
Pipeline = list[Command]
AndOr = list[tuple[str, Pipeline]]
_SEPARATORS = frozenset({";", "&", "\n"})


def _closing(text: str, start: int, opener: str, closer: str) -> int:
    """Index of the `closer` matching text[start] == opener, skipping quotes."""
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "'" and opener != "'":
            end = text.find("'", index + 1)
            if end < 0:
                break
            index = end + 1
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ShellSyntaxError("unterminated quoted string" if opener != "(" else "unexpected end of file")


def _double_quote_end(text: str, start: int) -> int:
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "$" and text[index + 1:index + 2] == "(":
            index = _closing(text, index + 1, "(", ")") + 1
            continue
        if char == '"':
            return index
        index += 1
    raise ShellSyntaxError("unterminated quoted string")


def scan(text: str) -> list[tuple[str, str]]:
    """Tokens: ("op", operator) or ("word", raw text with its quotes)."""
    tokens: list[tuple[str, str]] = []
    word = ""
    index = 0

    def flush() -> None:
        nonlocal word
        if word:
            tokens.append(("word", word))
            word = ""

    while index < len(text):
        char = text[index]
        if char in " \t\r":
            flush()
            index += 1
        elif char == "#" and not word:
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
        elif char == "\\":
            word += text[index:index + 2]
            index += 2
        elif char == "'":
            end = text.find("'", index + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated quoted string")
            word += text[index:end + 1]
            index = end + 1
        elif char == '"':
            end = _double_quote_end(text, index)
            word += text[index:end + 1]
            index = end + 1
        elif char == "$" and text[index + 1:index + 2] == "(":
            end = _closing(text, index + 1, "(", ")")
            word += text[index:end + 1]
            index = end + 1
        elif char == "`":
            end = text.find("`", index + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated quoted string")
            word += text[index:end + 1]
            index = end + 1
        else:
            for operator in _OPERATORS:
                if text.startswith(operator, index) and (operator[0] not in "12" or not word):
                    flush()
                    tokens.append(("op", _FD_ALIASES.get(operator, operator)))
                    index += len(operator)
                    break
            else:
                word += char
                index += 1
    flush()
    return tokens


class _Parser:
    """Recursive descent over `scan` tokens: lists, and-or, pipelines, loops, if."""

    def __init__(self, text: str) -> None:
        self.tokens = scan(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def error(self) -> ShellSyntaxError:
        token = self.peek()
        if token is None:
            return ShellSyntaxError("unexpected end of file")
        value = "newline" if token[1] == "\n" else f'"{token[1]}"'
        return ShellSyntaxError(f"unexpected {value}")

    def at_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1] in words

    def expect(self, word: str) -> None:
        if not self.at_word(word):
            raise self.error()
        self.pos += 1

    def skip_separators(self) -> None:
        while (token := self.peek()) is not None and token[0] == "op" and token[1] in _SEPARATORS:
            self.pos += 1

    def parse_list(self, stop: frozenset[str]) -> list[AndOr]:
        lists: list[AndOr] = []
        while True:
            self.skip_separators()
            token = self.peek()
            if token is None:
                if stop:
                    raise self.error()
                return lists
            if token[0] == "word" and token[1] in stop:
                return lists
            lists.append(self.parse_and_or())
            token = self.peek()
            if token is not None and not (token[0] == "op" and token[1] in _SEPARATORS) \
                    and not (token[0] == "word" and token[1] in stop):
                raise self.error()

    def parse_and_or(self) -> AndOr:
        items: AndOr = [("", self.parse_pipeline())]
        while (token := self.peek()) is not None and token == ("op", token[1]) and token[1] in ("&&", "||"):
            self.pos += 1
            while self.peek() == ("op", "\n"):
                self.pos += 1
            items.append((token[1], self.parse_pipeline()))
        return items

    def parse_pipeline(self) -> Pipeline:
        commands: Pipeline = [self.parse_command()]
        while self.peek() == ("op", "|"):
            self.pos += 1
            commands.append(self.parse_command())
        return commands

    def parse_command(self) -> Command:
        if self.at_word("while", "until"):
            until = self.take()[1] == "until"
            condition = self.parse_list(frozenset({"do"}))
            self.expect("do")
            body = self.parse_list(frozenset({"done"}))
            self.expect("done")
            return Loop(until, condition, body)
        if self.at_word("for"):
            self.pos += 1
            token = self.peek()
            if token is None or token[0] != "word":
                raise self.error()
            variable = self.take()[1]
            words: list[str] = []
            if self.at_word("in"):
                self.pos += 1
                while (token := self.peek()) is not None and token[0] == "word":
                    words.append(self.take()[1])
            self.skip_separators()
            self.expect("do")
            body = self.parse_list(frozenset({"done"}))
            self.expect("done")
            return ForLoop(variable, words, body)
        if self.at_word("if"):
            self.pos += 1
            branches: list[tuple[list[AndOr], list[AndOr]]] = []
            otherwise: list[AndOr] | None = None
            while True:
                condition = self.parse_list(frozenset({"then"}))
                self.expect("then")
                body = self.parse_list(frozenset({"elif", "else", "fi"}))
                branches.append((condition, body))
                keyword = self.take()[1]
                if keyword == "elif":
                    continue
                if keyword == "else":
                    otherwise = self.parse_list(frozenset({"fi"}))
                    self.expect("fi")
                break
            return IfClause(branches, otherwise)
        command = SimpleCommand()
        while (token := self.peek()) is not None:
            kind, value = token
            if kind == "word":
                command.words.append(value)
                self.pos += 1
            elif value in _REDIRECTS:
                self.pos += 1
                target = self.peek()
                if target is None or target[0] != "word":
                    raise self.error()
                command.redirects.append((value, self.take()[1]))
            elif value in ("2>&1", ">&2"):
                command.redirects.append((value, ""))
                self.pos += 1
            else:
                break
        if not command.words and not command.redirects:
            raise self.error()
        return command


def parse(text: str) -> list[AndOr]:
    return _Parser(text).parse_list(frozenset())


_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _has_magic(component: str) -> bool:
    """Whether a pattern component has an unquoted `*`, `?` or `[` (quoted ones are `[*]`...)."""
    return re.search(r"[*?[]", re.sub(r"\[[*?[]\]", "", component)) is not None


def _glob_escape(text: str) -> str:
    """Quoted text inside a glob pattern: `*`, `?` and `[` match only themselves."""
    return re.sub(r"([*?[])", r"[\1]", text)


def _glob_unescape(component: str) -> str:
    return re.sub(r"\[([*?[])\]", r"\1", component)


# -- the shell -------------------------------------------------------------------------------


class Shell:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.env = ctx.env
        self.cwd = ctx.cwd
        self.status = 0
        self.exit_code: int | None = None
        self.history: list[str] = []
        self.loop_depth = 0
        self.in_pipeline = 0  # > 0 while a stage of a `a | b` pipeline runs (a subshell in ash)
        self.jump: tuple[str, int] | None = None  # a pending `break N` / `continue N`

    @property
    def io(self) -> ProcessIO:
        return self.ctx.io

    @property
    def interactive_tty(self) -> bool:
        return self.io.tty and self.ctx.stdin is self.io.stdin

    async def main(self) -> int:
        args = self.ctx.argv[1:]
        while args and args[0] in ("-i", "-l", "--login", "-x", "-e"):
            args = args[1:]
        if args and args[0] == "-c":
            if len(args) < 2:
                await self.ctx.err("sh: -c requires an argument\n")
                return 2
            return await self.run_script(args[1])
        if args:
            try:
                resolved = self.ctx.view.resolve(args[0], self.cwd)
            except PermissionDenied:
                resolved = None
            content = self.ctx.view.read(resolved) if resolved is not None else None
            if content is None:
                await self.ctx.err(f"sh: can't open '{args[0]}': No such file or directory\n")
                return 2
            return await self.run_script(content)
        if self.ctx.is_main or self.interactive_tty:
            await self.ctx.out(BANNER)
        if self.interactive_tty:
            return await self.interactive()
        return await self.read_lines()

    # -- input ---------------------------------------------------------------------------

    async def read_lines(self) -> int:
        """No tty: commands from stdin lines, no echo, no prompt."""
        pending = b""
        while self.exit_code is None:
            event = await self.ctx.stdin.read_event()
            if isinstance(event, Resize):
                continue
            if event is None:
                if pending.strip():
                    await self.run_line(pending.decode(errors="replace"))
                break
            pending += event
            while b"\n" in pending and self.exit_code is None:
                line, _, pending = pending.partition(b"\n")
                await self.run_line(line.decode(errors="replace"))
        return self.exit_code if self.exit_code is not None else self.status

    def prompt(self) -> str:
        home = self.env.get("HOME", "/root")
        shown = self.cwd
        if home != "/" and (shown == home or shown.startswith(home + "/")):
            shown = "~" + shown[len(home):]
        return f"{shown} {'#' if self.ctx.process.user == 0 else '$'} "

    async def interactive(self) -> int:
        """A tty: ash's line editing (echo, backspace, ^C, ^D, ^L, ^U, history)."""
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        line: list[str] = []
        history_index = 0
        escape = ""
        last_was_cr = False
        await self.ctx.out(self.prompt())
        while self.exit_code is None:
            event = await self.ctx.stdin.read_event()
            if event is None:
                break
            if isinstance(event, Resize):
                await self.ctx.out("\r" + self.prompt() + "".join(line) + "\x1b[K")
                continue
            text = decoder.decode(event)
            for position, char in enumerate(text):
                if escape:
                    escape += char
                    if len(escape) == 2 and char != "[" and char != "O":
                        escape = ""
                    elif len(escape) > 2 and (char.isalpha() or char == "~"):
                        key, escape = escape[-1], ""
                        if key in "AB" and self.history:
                            history_index = max(0, history_index - 1) if key == "A" else \
                                min(len(self.history), history_index + 1)
                            recalled = self.history[history_index] if history_index < len(self.history) else ""
                            await self.ctx.out("\r" + self.prompt() + recalled + "\x1b[K")
                            line = list(recalled)
                    continue
                if char == "\n" and last_was_cr:
                    last_was_cr = False
                    continue
                last_was_cr = char == "\r"
                if char in "\r\n":
                    command = "".join(line)
                    line = []
                    await self.ctx.out("\n")
                    if command.strip():
                        self.history.append(command)
                    history_index = len(self.history)
                    rest = text[position + 1:]
                    if rest:
                        self.io.unread(rest.encode())
                    await self.run_foreground(command)
                    if self.exit_code is not None:
                        return self.exit_code
                    await self.ctx.out(self.prompt())
                    break
                if char == "\x03":
                    line = []
                    await self.ctx.out("^C\n" + self.prompt())
                elif char == "\x04":
                    if not line:
                        await self.ctx.out("\n")
                        return self.status
                elif char in "\x7f\x08":
                    if line:
                        line.pop()
                        await self.ctx.out("\b \b")
                elif char == "\x0c":
                    await self.ctx.out("\x1b[H\x1b[J" + self.prompt() + "".join(line))
                elif char == "\x15":
                    line = []
                    await self.ctx.out("\r" + self.prompt() + "\x1b[K")
                elif char == "\x1b":
                    escape = char
                elif char == "\t" or (ord(char) < 32):
                    continue
                else:
                    line.append(char)
                    await self.ctx.out(char)
        return self.exit_code if self.exit_code is not None else self.status

    async def run_foreground(self, command: str) -> None:
        """Run a line; on a tty Ctrl+C interrupts it (SIGINT to the foreground job)."""
        task = asyncio.get_running_loop().create_task(self.run_line(command))
        self.io.on_interrupt = task.cancel
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            self.io.on_interrupt = None
        if task.cancelled():
            self.status = INTERRUPTED
            await self.ctx.out("^C\n")
        elif task.exception() is not None:
            raise task.exception()  # type: ignore[misc]

    # -- execution -----------------------------------------------------------------------

    async def run_line(self, line: str) -> int:
        return await self.run_script(line)

    async def run_script(self, text: str) -> int:
        try:
            lists = parse(text)
        except ShellSyntaxError as error:
            await self.ctx.err(f"sh: syntax error: {error}\n")
            self.status = 2
            return self.status
        return await self.run_lists(lists, self.ctx.stdin, self.ctx.stdout, self.ctx.stderr)

    async def run_lists(self, lists: list[AndOr], stdin: Input, stdout: Output, stderr: Output) -> int:
        for and_or in lists:
            for connector, pipeline in and_or:
                if (connector == "&&" and self.status != 0) or (connector == "||" and self.status == 0):
                    continue
                self.status = await self.run_pipeline(pipeline, stdin, stdout, stderr)
                if self.exit_code is not None:
                    return self.exit_code
                if self.jump is not None:
                    return self.status
        return self.status

    async def run_pipeline(self, pipeline: Pipeline, stdin: Input, stdout: Output, stderr: Output) -> int:
        status = 0
        current_in = stdin
        piped = len(pipeline) > 1
        for index, command in enumerate(pipeline):
            last = index == len(pipeline) - 1
            out: Output = stdout if last else BufferOutput()
            self.in_pipeline += piped
            try:
                status = await self.run_command(command, current_in, out, stderr)
            finally:
                self.in_pipeline -= piped
            if piped:
                self.exit_code = None  # each stage of a pipeline is a subshell: `exit`/`exec` end only it
            if not last:
                assert isinstance(out, BufferOutput)
                current_in = BufferInput(out.value())
        return status

    async def run_command(self, command: Command, stdin: Input, stdout: Output, stderr: Output) -> int:
        if isinstance(command, SimpleCommand):
            return await self.run_simple(command, stdin, stdout, stderr)
        status = 0
        if isinstance(command, IfClause):
            for condition, body in command.branches:
                if await self.run_lists(condition, stdin, stdout, stderr) == 0:
                    return await self.run_lists(body, stdin, stdout, stderr)
                if self.exit_code is not None:
                    return self.exit_code
            return await self.run_lists(command.otherwise, stdin, stdout, stderr) if command.otherwise else 0
        self.loop_depth += 1
        try:
            if isinstance(command, ForLoop):
                values = [v for raw in command.words for v in await self.expand(raw)]
                for value in values:
                    self.env[command.variable] = value
                    status = await self.run_lists(command.body, stdin, stdout, stderr)
                    if self.exit_code is not None:
                        return self.exit_code
                    if self._leave_loop():
                        break
                    await asyncio.sleep(0)
                return status
            while self.exit_code is None:
                succeeded = await self.run_lists(command.condition, stdin, stdout, stderr) == 0
                if self.exit_code is not None or self._leave_loop() or succeeded == command.until:
                    break
                status = await self.run_lists(command.body, stdin, stdout, stderr)
                if self._leave_loop():
                    break
                await asyncio.sleep(0)
            return self.exit_code if self.exit_code is not None else status
        finally:
            self.loop_depth -= 1

    def _leave_loop(self) -> bool:
        """After a loop's body: whether a pending `break`/`continue` ends this loop."""
        if self.jump is None:
            return False
        kind, levels = self.jump
        if levels > 1:
            self.jump = (kind, levels - 1)
            return True
        self.jump = None
        return kind == "break"

    async def run_simple(self, command: SimpleCommand, stdin: Input, stdout: Output, stderr: Output) -> int:
        words: list[str] = []
        assignments: dict[str, str] = {}
        for raw in command.words:
            if not words and _ASSIGNMENT.match(raw):
                name, _, value = raw.partition("=")
                assignments[name] = "".join(await self.expand(value, split=False))
                continue
            words.extend(await self.expand(raw))
        writes: list[tuple[str, BufferOutput, bool]] = []
        for op, target_raw in command.redirects:
            target = "".join(await self.expand(target_raw, split=False)) if target_raw else ""
            if op == "<":
                content = self._read(target)
                if content is None:
                    await stderr.write(f"sh: can't open '{target}': No such file or directory\n".encode())
                    return 1
                stdin = BufferInput(content.encode(errors="surrogateescape"))
                continue
            if op == "2>&1":
                stderr = stdout
                continue
            if op == ">&2":
                stdout = stderr
                continue
            if target != "/dev/null" and op not in ("2>&1", ">&2") and self.ctx.view.read_only(target, self.cwd):
                await stderr.write(f"sh: can't create {target}: Read-only file system\n".encode())
                return 1
            sink: Output = NullOutput() if target == "/dev/null" else BufferOutput()
            if isinstance(sink, BufferOutput):
                writes.append((target, sink, op.endswith(">>")))
            if op in (">", ">>", "&>"):
                stdout = sink
            if op in ("2>", "2>>", "&>"):
                stderr = sink
        if not words:
            self.env.update(assignments)
            return 0
        try:
            return await self.execute(words, assignments, stdin, stdout, stderr)
        finally:
            for target, buffer, append in writes:
                fs, path = self.ctx.files(target, self.cwd)
                fs.write(path, buffer.value().decode(errors="surrogateescape"), append)

    def _abs(self, path: str) -> str:
        return normpath(path, self.cwd)

    def _read(self, path: str) -> str | None:
        try:
            resolved = self.ctx.view.resolve(path, self.cwd)
        except PermissionDenied:
            return None
        return self.ctx.view.read(resolved) if resolved is not None else None

    async def execute(self, argv: list[str], assignments: dict[str, str], stdin: Input, stdout: Output,
                      stderr: Output, replace: bool = False) -> int:
        """Run a builtin or a program; `replace` (the `exec` builtin) runs the program as this
        shell's process (same PID, its command line becomes argv) instead of a child."""
        name = argv[0]
        env = {**self.env, **assignments}
        child = Ctx(self.ctx.container, self.ctx.process, argv, env, self.cwd, stdin, stdout, stderr,
                    self.io, self.ctx.is_main if replace else False)
        builtin = BUILTINS.get(name)
        if builtin is not None:
            return await builtin(self, child)
        container = self.ctx.container
        if container.fs.which(name, env.get("PATH", "")) is None:
            where = "exec: " if replace else ""
            await stderr.write(f"sh: {where}{name}: not found\n".encode())
            return NOT_FOUND
        if replace:
            self.ctx.process.argv = list(argv)
            return await dispatch(child)
        process = container.pidns.spawn(self.ctx.process.user, argv, container)
        child.process = process
        try:
            return await dispatch(child)
        finally:
            container.pidns.reap(process)

    # -- expansion -----------------------------------------------------------------------

    async def expand(self, raw: str, split: bool = True) -> list[str]:
        """Quotes, backslashes, `~`, `$VAR`, `${VAR}`, `$?`, `$$`, `$(...)`, `` `...` ``, then
        pathname expansion of unquoted `*` `?` `[...]` (when `split`: not in assignments or
        redirection targets)."""
        fields: list[str] = [""]
        patterns: list[str] = [""]  # each field as a glob pattern: only unquoted literals are magic
        magic: set[int] = set()
        quoted = False
        index = 0

        def text(value: str) -> None:
            fields[-1] += value
            patterns[-1] += _glob_escape(value)

        def new_field() -> None:
            fields.append("")
            patterns.append("")

        def add(value: str, splittable: bool) -> None:
            if not splittable or not split:
                text(value)
                return
            parts = value.split()
            if not parts:
                if value:
                    new_field()
                return
            if value[0].isspace() and fields[-1]:
                new_field()
            text(parts[0])
            for part in parts[1:]:
                new_field()
                text(part)
            if value[-1].isspace():
                new_field()

        if raw.startswith("~") and (len(raw) == 1 or raw[1] == "/"):
            text(self.env.get("HOME", "/root"))
            index = 1
        while index < len(raw):
            char = raw[index]
            if char == "\\":
                text(raw[index + 1:index + 2])
                index += 2
            elif char == "'":
                end = raw.index("'", index + 1)
                text(raw[index + 1:end])
                quoted = True
                index = end + 1
            elif char == '"':
                end = _double_quote_end(raw, index)
                text(await self._expand_double(raw[index + 1:end]))
                quoted = True
                index = end + 1
            elif char in "$`":
                value, index = await self._substitution(raw, index)
                add(value, True)
            else:
                fields[-1] += char
                patterns[-1] += char
                if char in "*?[":
                    magic.add(len(fields) - 1)
                index += 1
        result: list[str] = []
        for position, field_ in enumerate(fields):
            if not field_:
                continue
            matches = self._glob(patterns[position]) if split and position in magic else []
            result.extend(matches or [field_])
        return result or ([""] if quoted or not split else [])

    def _glob(self, pattern: str) -> list[str]:
        """The paths matching `pattern` in the process's view of the filesystem, sorted
        (hidden names only when the pattern's component starts with a dot)."""
        absolute = pattern.startswith("/")
        candidates = ["/" if absolute else ""]
        for component in [part for part in pattern.split("/") if part]:
            following: list[str] = []
            for base in candidates:
                if not _has_magic(component):
                    following.append(base + _glob_unescape(component))
                    continue
                try:
                    resolved = self.ctx.view.resolve(base or ".", self.cwd)
                except PermissionDenied:
                    continue
                if resolved is None or not self.ctx.view.is_dir(resolved):
                    continue
                for name in sorted(self.ctx.view.listdir(resolved)):
                    if name.startswith(".") and not component.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(name, component):
                        following.append(base + name)
            candidates = [path + "/" for path in following]
        found: list[str] = []
        for candidate in candidates:
            path = candidate.rstrip("/") or "/"
            if pattern.endswith("/"):
                path += "/"
            try:
                if self.ctx.view.resolve(path, self.cwd) is not None:
                    found.append(path)
            except PermissionDenied:
                continue
        return found

    async def _expand_double(self, inner: str) -> str:
        out = ""
        index = 0
        while index < len(inner):
            char = inner[index]
            if char == "\\" and inner[index + 1:index + 2] in ('"', "\\", "$", "`"):
                out += inner[index + 1]
                index += 2
            elif char in "$`":
                value, index = await self._substitution(inner, index)
                out += value
            else:
                out += char
                index += 1
        return out

    async def _substitution(self, text: str, index: int) -> tuple[str, int]:
        """Expand the `$...` or backquote at `index`; returns (value, index after it)."""
        if text[index] == "`":
            end = text.find("`", index + 1)
            end = len(text) if end < 0 else end
            return await self.capture(text[index + 1:end]), end + 1
        rest = text[index + 1:]
        if rest.startswith("(("):
            end = text.find("))", index)
            end = len(text) if end < 0 else end
            return self._arithmetic(text[index + 3:end]), end + 2
        if rest.startswith("("):
            end = _closing(text, index + 1, "(", ")")
            return await self.capture(text[index + 2:end]), end + 1
        if rest.startswith("{"):
            end = text.find("}", index)
            end = len(text) if end < 0 else end
            name = text[index + 2:end]
            if name.startswith("#"):
                return str(len(self._variable(name[1:]))), end + 1
            if ":-" in name:
                name, default = name.split(":-", 1)
                return self._variable(name) or default, end + 1
            return self._variable(name), end + 1
        if rest[:1] in ("?", "$", "#", "!", "0", "-") or rest[:1].isdigit():
            return self._variable(rest[0]), index + 2
        match = _NAME.match(rest)
        if match is None:
            return "$", index + 1
        return self._variable(match.group(0)), index + 1 + match.end()

    def _variable(self, name: str) -> str:
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(self.ctx.process.pid)
        if name == "0":
            return "sh"
        if name == "#":
            return "0"
        if name in ("!", "-") or name.isdigit():
            return ""
        return self.env.get(name, "")

    def _arithmetic(self, expression: str) -> str:
        expanded = re.sub(r"\$?([A-Za-z_][A-Za-z0-9_]*)", lambda m: self.env.get(m.group(1), "0") or "0",
                          expression)
        if not re.fullmatch(r"[\d\s+\-*/%()]*", expanded):
            return "0"
        try:
            return str(int(eval(expanded.replace("/", "//"), {"__builtins__": {}})))  # digits and operators only
        except (SyntaxError, ZeroDivisionError, TypeError):
            return "0"

    async def capture(self, script: str) -> str:
        """`$(...)`: run in a subshell, stdout captured, trailing newlines removed."""
        output = BufferOutput()
        sub_ctx = Ctx(self.ctx.container, self.ctx.process, ["sh"], dict(self.env), self.cwd,
                      BufferInput(), output, self.ctx.stderr, self.io, False)
        subshell = Shell(sub_ctx)
        self.status = await subshell.run_script(script)
        return output.value().decode(errors="replace").rstrip("\n")


# -- builtins ---------------------------------------------------------------------------------


async def _cd(shell: Shell, ctx: Ctx) -> int:
    target = ctx.argv[1] if len(ctx.argv) > 1 else shell.env.get("HOME", "/")
    if target == "-":
        target = shell.env.get("OLDPWD", shell.cwd)
    try:
        resolved = ctx.view.resolve(target, shell.cwd)
    except PermissionDenied:
        await ctx.err(f"sh: cd: can't cd to {target}: Permission denied\n")
        return 2
    if resolved is None or not ctx.view.is_dir(resolved):
        await ctx.err(f"sh: cd: can't cd to {target}: No such file or directory\n")
        return 2
    shell.env["OLDPWD"] = shell.cwd
    shell.cwd = shell._abs(target)
    shell.env["PWD"] = shell.cwd
    return 0


async def _pwd(shell: Shell, ctx: Ctx) -> int:
    await ctx.out(shell.cwd + "\n")
    return 0


async def _echo(shell: Shell, ctx: Ctx) -> int:
    return await echo(ctx)


async def _export(shell: Shell, ctx: Ctx) -> int:
    if len(ctx.argv) == 1:
        await ctx.out("".join(f"export {k}='{v}'\n" for k, v in sorted(shell.env.items())))
    for arg in ctx.argv[1:]:
        name, has_value, value = arg.partition("=")
        if has_value:
            shell.env[name] = value
        else:
            shell.env.setdefault(name, "")
    return 0


async def _unset(shell: Shell, ctx: Ctx) -> int:
    for name in ctx.argv[1:]:
        shell.env.pop(name, None)
    return 0


async def _exit(shell: Shell, ctx: Ctx) -> int:
    code = shell.status
    if len(ctx.argv) > 1:
        if not ctx.argv[1].lstrip("-").isdigit():
            await ctx.err(f"sh: exit: Illegal number: {ctx.argv[1]}\n")
            code = 2
        else:
            code = int(ctx.argv[1]) & 0xFF
    shell.exit_code = code
    return code


async def _exec(shell: Shell, ctx: Ctx) -> int:
    """`exec PROGRAM ARGS...`: the program replaces the shell, which then ends with its status
    (a builtin runs and the shell ends too); `exec` alone changes nothing."""
    if len(ctx.argv) == 1:
        return 0
    replace = not shell.in_pipeline  # in a pipeline stage it replaces only that subshell
    status = await shell.execute(ctx.argv[1:], {}, ctx.stdin, ctx.stdout, ctx.stderr, replace=replace)
    shell.exit_code = status
    return status


async def _break(shell: Shell, ctx: Ctx) -> int:
    """`break [N]` / `continue [N]`: leave (or go on with) the N-th enclosing loop."""
    levels = 1
    if len(ctx.argv) > 1:
        if not ctx.argv[1].isdigit() or int(ctx.argv[1]) < 1:
            await ctx.err(f"sh: {ctx.argv[0]}: Illegal number: {ctx.argv[1]}\n")
            return 2
        levels = int(ctx.argv[1])
    if shell.loop_depth:
        shell.jump = (ctx.argv[0], min(levels, shell.loop_depth))
    return 0


async def _true(shell: Shell, ctx: Ctx) -> int:
    return 0


async def _false(shell: Shell, ctx: Ctx) -> int:
    return 1


async def _type(shell: Shell, ctx: Ctx) -> int:
    status = 0
    for name in ctx.argv[1:]:
        if name in BUILTINS:
            await ctx.out(f"{name} is a shell builtin\n")
        elif (path := ctx.container.fs.which(name, shell.env.get("PATH", ""))) is not None:
            await ctx.out(f"{name} is {path}\n")
        else:
            await ctx.out(f"{name}: not found\n")
            status = 1
    return status


async def _history(shell: Shell, ctx: Ctx) -> int:
    await ctx.out("".join(f"{n:>5} {line}\n" for n, line in enumerate(shell.history, 1)))
    return 0


HELP = """\
Ephemera demo cluster: a simulated busybox shell. Nothing here is a real process; the demo
shows how ephemeral containers see their pod (PID namespaces, /proc/<pid>/root, localhost).

Built-in commands:
  cd pwd echo export unset exit exec break continue type history help true false

Programs (if the image has them):
  ps pgrep pidof top ls cat head tail grep wc sort mkdir touch rm which env hostname id
  whoami uname date uptime free df stty clear sleep seq tr wget nslookup ip ifconfig netstat

Try:  ps aux   ls /proc/1/root/   wget -O - localhost:8080   top
"""


async def _help(shell: Shell, ctx: Ctx) -> int:
    await ctx.out(HELP)
    return 0


async def _no_jobs(shell: Shell, ctx: Ctx) -> int:
    """`trap` and `wait`: the simulated shell has no signals and no background jobs (`&` runs the
    command in the foreground), so there is nothing to trap or wait for; both succeed quietly, as a
    durable debugger's keep-alive (`trap 'exit 0' TERM INT; ... sleep 3600 & wait $!`) needs."""
    del shell, ctx
    return 0


BUILTINS = {
    "cd": _cd, "pwd": _pwd, "echo": _echo, "export": _export, "unset": _unset, "exit": _exit,
    "true": _true, "false": _false, ":": _true, "type": _type, "history": _history, "help": _help,
    "exec": _exec, "break": _break, "continue": _break, "trap": _no_jobs, "wait": _no_jobs,
}
