"""Ephemera's own settings file (`config.toml`), not the kubeconfig (that is `tui/kube/config.py`).

```toml
default_image = "busybox"          # image of new debug containers
default_profile = "general"        # kubectl debug --profile: legacy general baseline restricted netadmin sysadmin
default_namespace = "payments"     # instead of the context's namespace
theme = "nord"                     # a Textual theme; remembered when changed in the app
screenshot_dir = "~/Pictures"      # where Ctrl+S saves (default: ~/.local/state/ephemera/screenshots)
recent_images = ["nicolaka/netshoot", "busybox"]   # most recent first, at most 10; kept by the app

[keys]                             # keymap overrides: action (binding id) = Textual key string(s)
debug = "ctrl+d"
quit = "q,ctrl+q"

[debug]                            # defaults of the debug form
mode = "target"                    # shared-network | target | copy (unset: target when the pod
                                   # has a running container and is not on Windows)
pull_policy = "IfNotPresent"       # Always | IfNotPresent | Never
```

`load_settings()` never fails: a syntax error gives one problem with tomllib's line and column and
all defaults; a bad value gives a problem naming the key and its line and that key's default (the
good keys are kept); an unknown key is a warning. `save_settings()` rewrites the file atomically
with tomlkit, so the user's comments, layout and unknown keys survive.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from tui.debug.request import DEFAULT_IMAGE, DEFAULT_PROFILE, PULL_POLICIES, Mode, Profile
from tui.paths import config_path
from tui.user_files import MIB, read_user_bytes
from tui.visible_text import unsafe_characters

MAX_CONFIG_BYTES = MIB  # a config.toml is a few hundred bytes

__all__ = [
    "MAX_RECENT_IMAGES",
    "SETTING_NAMES",
    "DebugDefaults",
    "Settings",
    "SettingsError",
    "SettingsProblem",
    "check_keymap",
    "find_key_line",
    "load_settings",
    "remember_image",
    "remember_theme",
    "save_settings",
    "valid_key_spec",
]

MAX_RECENT_IMAGES = 10

class SettingsError(Exception):
    """The settings file could not be written (or is too broken to rewrite safely). One line."""


@dataclass(frozen=True)
class SettingsProblem:
    """One thing wrong with the settings file; the app shows `str(problem)` and carries on."""

    message: str  # e.g. "must be a string (got 3); using the default 'busybox'"
    key: str | None = None  # dotted key, e.g. "theme", "keys.debug"; None: the whole file
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based, syntax errors only
    severity: Literal["error", "warning"] = "error"
    path: Path | None = None

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "config"
        if self.line is not None:
            where += f", line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
        what = f"{self.key}: " if self.key else ""
        return f"{where}: {what}{self.message}"


@dataclass
class DebugDefaults:
    """`[debug]`: defaults of the debug form."""

    # None: decided per pod (targeted when it has a running container and is not on Windows).
    mode: Mode | None = None
    pull_policy: str | None = None  # None: the server's default (kubectl sends none either)


@dataclass
class Settings:
    default_image: str = DEFAULT_IMAGE
    default_profile: Profile = DEFAULT_PROFILE
    default_namespace: str | None = None
    theme: str | None = None  # None: the app's default theme
    screenshot_dir: str | None = None  # None: `tui.paths.screenshots_dir()` (never the current directory)
    keys: dict[str, str] = field(default_factory=dict)  # action (binding id) -> key string(s)
    recent_images: list[str] = field(default_factory=list)  # most recent first
    debug: DebugDefaults = field(default_factory=DebugDefaults)
    path: Path | None = field(default=None, compare=False)  # the file these came from / go to
    rejected: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    """Dotted keys whose file values were bad: `save_settings` leaves them as the user wrote them."""
    source: str = field(default="", compare=False, repr=False)  # the file's text (to find lines)

    def remember_image(self, image: str) -> list[str]:
        """Put `image` first in `recent_images` (no duplicates, at most MAX_RECENT_IMAGES)."""
        image = image.strip()
        if image:
            rest = [seen for seen in self.recent_images if seen != image]
            self.recent_images = [image, *rest][:MAX_RECENT_IMAGES]
        return self.recent_images


# ---------------------------------------------------------------------------------------- loading

_SYNTAX_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_SYNTAX_END = re.compile(r"\s*\(at end of document\)\s*$")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAME = re.compile(r"^[a-z0-9_]+$")


def valid_key_spec(spec: str) -> bool:
    """A Textual key string: comma-separated keys, each `[modifier+]...key` ("ctrl+d", "f5", "?", "G")."""
    for part in spec.split(","):
        if len(part) == 1:
            if part.isspace():
                return False
            continue
        *modifiers, key = part.split("+")
        if any(m not in _MODIFIERS for m in modifiers):
            return False
        if not (len(key) == 1 and not key.isspace()) and not _KEY_NAME.match(key):
            return False
    return True


def _key_path(raw: str) -> list[str]:
    """`a."b c".d` -> ["a", "b c", "d"] (good enough for locating keys, not a TOML parser)."""
    return [part.strip().strip("\"'") for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', raw.strip())]


_TABLE_LINE = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_LINE = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-.\s])+?)\s*=""")


def find_key_line(text: str, dotted: str) -> int | None:
    """The 1-based line where `dotted` ("theme", "keys.debug", "debug") is set or its table opens."""
    target = _key_path(dotted)
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_LINE.match(line)
        if header:
            table = _key_path(header.group(1))
            if table == target:
                return number
            continue
        assignment = _KEY_LINE.match(line)
        if assignment and table + _key_path(assignment.group(1)) == target:
            return number
    return None


def _syntax_problem(exc: tomllib.TOMLDecodeError, path: Path, source: str) -> SettingsProblem:
    text = str(exc)
    line = column = None
    position = _SYNTAX_POSITION.search(text)
    if position:
        line, column = int(position.group(1)), int(position.group(2))
        text = text[: position.start()]
    elif _SYNTAX_END.search(text):
        text = _SYNTAX_END.sub("", text) + " at the end of the file"
        line = len(source.splitlines()) or 1
    return SettingsProblem(f"TOML syntax error: {text}; using the default settings", key=_key_at_line(source, line),
                           line=line, column=column, path=path)


def _key_at_line(source: str, line: int | None) -> str | None:
    """The dotted key assigned (or the table opened) on `line`, when the line has one."""
    if line is None:
        return None
    table: list[str] = []
    for number, text in enumerate(source.splitlines(), start=1):
        header = _TABLE_LINE.match(text)
        if header:
            table = _key_path(header.group(1))
        assignment = _KEY_LINE.match(text)
        if number == line:
            if header:
                return ".".join(table)
            return ".".join(table + _key_path(assignment.group(1))) if assignment else None
    return None


class _Checker:
    """Turns the parsed TOML into Settings, collecting problems with their lines."""

    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path
        self.problems: list[SettingsProblem] = []
        self.rejected: set[str] = set()

    def problem(self, key: str, message: str, severity: Literal["error", "warning"] = "error") -> None:
        if severity == "error":
            self.rejected.add(key)
        self.problems.append(SettingsProblem(message, key=key, line=find_key_line(self.text, key),
                                             severity=severity, path=self.path))

    def value(self, table: Mapping[str, Any], key: str, prefix: str, default: Any,
              convert: Callable[[Any], Any]) -> Any:
        """`convert(raw)` returns the value or raises ValueError(reason); bad values give `default`."""
        if key not in table:
            return default
        dotted = f"{prefix}{key}"
        try:
            return convert(table[key])
        except ValueError as exc:
            self.problem(dotted, f"{exc}; using the default {default!r}" if isinstance(default, str)
                         else f"{exc}; ignored")
            return default

    def unknown(self, table: Mapping[str, Any], known: Collection[str], prefix: str) -> None:
        for key in table:
            if key not in known:
                self.problem(f"{prefix}{key}", f"unknown setting (known: {', '.join(sorted(known))}); ignored",
                             severity="warning")


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return f"the string {value!r}"
    return f"{type(value).__name__} {value!r}"


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {_describe(value)}")
    return value


def _image(value: Any) -> str:
    image = _string(value).strip()
    if not image or any(ch.isspace() for ch in image):
        raise ValueError(f"{value!r} is not an image reference")
    if unsafe := unsafe_characters(image):
        raise ValueError(f"{value!r} is not an image reference: it holds {', '.join(unsafe)} "
                         "(control or invisible characters)")
    return image


def _is_image(item: Any) -> bool:
    """A `recent_images` entry that can be used: a string, not blank, without control or invisible
    characters (what goes on screen, into a request and onto the clipboard)."""
    return isinstance(item, str) and bool(item.strip()) and not unsafe_characters(item)


def _choice(options: Collection[str], what: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        text = _string(value)
        if text not in options:
            raise ValueError(f"unknown {what} {text!r} (one of: {', '.join(options)})")
        return text

    return convert


def _namespace(value: Any) -> str:
    name = _string(value)
    if len(name) > 63 or not _NAMESPACE.match(name):
        raise ValueError(f"{name!r} is not a namespace name (lowercase letters, digits and '-', at most 63)")
    return name


def _directory(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a directory path, not {_describe(value)}")
    return value.strip()


def _theme_names() -> list[str]:
    # Late: Textual's themes only when the file sets a theme; the command line (`ephemera debug`)
    # reads the settings without loading Textual.
    from textual.theme import BUILTIN_THEMES

    return list(BUILTIN_THEMES)


def check_keymap(settings: Settings, known_actions: Collection[str]) -> tuple[dict[str, str], list[SettingsProblem]]:
    """`settings.keys` restricted to `known_actions`, plus a warning (with its line) per unknown
    action and per key given to two actions. For the UI once it knows its binding ids."""
    keymap: dict[str, str] = {}
    problems: list[SettingsProblem] = []
    owners: dict[str, str] = {}

    def warn(action: str, message: str) -> None:
        problems.append(SettingsProblem(message, key=f"keys.{action}", severity="warning", path=settings.path,
                                        line=find_key_line(settings.source, f"keys.{action}")))

    for action, spec in settings.keys.items():
        if action not in known_actions:
            warn(action, f"unknown action (known: {', '.join(sorted(known_actions))}); ignored")
            continue
        keymap[action] = spec
        for key in spec.split(","):
            if key in owners:
                warn(action, f"key {key!r} is also bound to {owners[key]!r}")
            owners.setdefault(key, action)
    return keymap, problems


def _parse(data: dict[str, Any], checker: _Checker, known_actions: Collection[str] | None,
           known_themes: Collection[str] | None) -> Settings:
    settings = Settings()
    settings.default_image = checker.value(data, "default_image", "", DEFAULT_IMAGE, _image)
    profile = checker.value(data, "default_profile", "", DEFAULT_PROFILE.value,
                            _choice([p.value for p in Profile], "profile"))
    settings.default_profile = Profile(profile)
    settings.default_namespace = checker.value(data, "default_namespace", "", None, _namespace)
    settings.screenshot_dir = checker.value(data, "screenshot_dir", "", None, _directory)
    if "theme" in data:
        themes = known_themes if known_themes is not None else _theme_names()
        settings.theme = checker.value(data, "theme", "", None, _choice(themes, "theme"))

    def images(value: Any) -> list[str]:
        if not isinstance(value, list):
            raise ValueError(f"must be an array of image names, not {_describe(value)}")
        good: list[str] = []
        for item in value:
            if _is_image(item) and item.strip() not in good:
                good.append(item.strip())
        bad = [item for item in value if not _is_image(item)]
        if bad:
            checker.problem("recent_images", f"entries {bad!r} are not image names; ignored them",
                            severity="warning")
        return good[:MAX_RECENT_IMAGES]

    settings.recent_images = checker.value(data, "recent_images", "", [], images)

    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        checker.problem("keys", f"must be a table of action = \"key\", not {_describe(keys)}; ignored")
        keys = {}
    for action, spec in keys.items():
        dotted = f"keys.{action}"
        if not isinstance(spec, str):
            checker.problem(dotted, f"must be a key string like \"ctrl+d\", not {_describe(spec)}; "
                                    "keeping the default key")
        elif not valid_key_spec(spec):
            checker.problem(dotted, f"{spec!r} is not a key (examples: \"d\", \"ctrl+d\", \"f5\", \"q,ctrl+q\"); "
                                    "keeping the default key")
        else:
            settings.keys[action] = spec

    debug = data.get("debug", {})
    if not isinstance(debug, dict):
        checker.problem("debug", f"must be a table, not {_describe(debug)}; using the defaults")
        debug = {}
    mode = checker.value(debug, "mode", "debug.", None, _choice([m.value for m in Mode], "mode"))
    settings.debug = DebugDefaults(
        mode=Mode(mode) if mode is not None else None,
        pull_policy=checker.value(debug, "pull_policy", "debug.", None, _choice(PULL_POLICIES, "pull policy")),
    )
    checker.unknown(debug, {f.name for f in fields(DebugDefaults)}, "debug.")
    checker.unknown(data, _FILE_KEYS, "")

    settings.source = checker.text
    settings.path = checker.path
    if known_actions is not None:  # else `[keys]` entries are only checked for a well-formed key
        settings.keys, keymap_problems = check_keymap(settings, known_actions)
        checker.problems.extend(keymap_problems)
    settings.rejected = frozenset(checker.rejected)
    return settings


_FILE_KEYS = ("default_image", "default_profile", "default_namespace", "theme", "screenshot_dir", "keys",
              "recent_images", "debug")


def load_settings(path: str | os.PathLike[str] | None = None, *, known_actions: Collection[str] | None = None,
                  known_themes: Collection[str] | None = None) -> tuple[Settings, list[SettingsProblem]]:
    """The settings at `path` (default: `tui.paths.config_path()`), and what was wrong with them.

    A missing file is all defaults and no problem. Never raises for a bad file."""
    file = config_path(path)
    try:  # bounded: `--config /dev/zero` must not read until memory runs out
        text = read_user_bytes(file, what="config file", limit=MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        return Settings(path=file), []
    except UnicodeDecodeError as exc:  # TOML is UTF-8: say where the bad byte is
        line = exc.object[: exc.start].count(b"\n") + 1
        column = exc.start - (exc.object.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = exc.object[exc.start: exc.start + 1].hex()
        return Settings(path=file), [SettingsProblem(
            f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8; using the default settings", line=line,
            column=column, path=file)]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return Settings(path=file), [SettingsProblem(
            f"cannot read it ({reason}); check its permissions or pass another file with --config; "
            "using the default settings", path=file)]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Settings(path=file, source=text), [_syntax_problem(exc, file, text)]
    checker = _Checker(text, file)
    settings = _parse(data, checker, known_actions, known_themes)
    return settings, sorted(checker.problems, key=lambda problem: (problem.line is None, problem.line or 0))


# ----------------------------------------------------------------------------------------- saving

def _file_values(settings: Settings) -> dict[str, Any]:
    """What each field looks like in the file (None: absent)."""
    return {
        "default_image": settings.default_image,
        "default_profile": settings.default_profile.value,
        "default_namespace": settings.default_namespace,
        "theme": settings.theme,
        "screenshot_dir": settings.screenshot_dir,
        "recent_images": list(settings.recent_images),
        "keys": dict(settings.keys),
        "debug.mode": settings.debug.mode.value if settings.debug.mode is not None else None,
        "debug.pull_policy": settings.debug.pull_policy,
    }


_DEFAULT_FILE_VALUES = _file_values(Settings())
SETTING_NAMES = tuple(_DEFAULT_FILE_VALUES)  # what `save_settings(only=...)` accepts


def _update_document(doc: Any, settings: Settings, only: Collection[str]) -> None:
    import tomlkit  # writing only: not for the TUI's start (issue 15)

    values = _file_values(settings)
    for name in only:
        value = values[name]
        *parents, key = name.split(".")
        table = doc
        for parent in parents:
            if parent not in table or not isinstance(table[parent], dict):
                if value is None or value == _DEFAULT_FILE_VALUES[name]:
                    table = None
                    break
                table[parent] = tomlkit.table()
            table = table[parent]
        if table is None:
            continue
        if name == "keys":
            _update_keys(table, value, settings.rejected)
            continue
        present = key in table
        if name in settings.rejected and value == _DEFAULT_FILE_VALUES[name]:
            continue  # the user's bad value stays until they fix it (or the app sets a real one)
        if value is None:
            if present:
                del table[key]
        elif present or value != _DEFAULT_FILE_VALUES[name]:
            table[key] = value


def _update_keys(doc: Any, keymap: dict[str, str], rejected: frozenset[str]) -> None:
    import tomlkit  # writing only: not for the TUI's start (issue 15)

    if "keys" in doc and not isinstance(doc["keys"], dict):
        if "keys" in rejected and not keymap:
            return
        del doc["keys"]
    if not keymap and "keys" not in doc:
        return
    table = doc.setdefault("keys", tomlkit.table())
    for action in [a for a in table if a not in keymap and f"keys.{a}" not in rejected]:
        del table[action]
    for action, spec in keymap.items():
        if table.get(action) != spec:
            table[action] = spec


def _atomic_write(path: Path, text: str) -> None:
    target = path.resolve() if path.is_symlink() else path  # keep a dotfile manager's symlink
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o600
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_settings(settings: Settings, path: str | os.PathLike[str] | None = None, *,
                  only: Collection[str] | None = None) -> Path:
    """Write `settings` to `path` (default: `settings.path`, else `config_path()`) atomically.

    The file is re-read first and edited in place: comments, order and unknown keys are kept, and
    values the loader rejected stay as written unless `settings` now holds something else for them.
    `only` limits the change to some of SETTING_NAMES (e.g. `{"theme"}`); values equal to their
    default are not added to a file that lacks them. Raises SettingsError (one line) when the file
    cannot be written or has a TOML syntax error (it is never overwritten then)."""
    file = Path(path).expanduser() if path is not None else (settings.path or config_path())
    names = SETTING_NAMES if only is None else tuple(only)
    unknown = [name for name in names if name not in SETTING_NAMES]
    if unknown:
        raise ValueError(f"unknown settings {unknown!r}; known: {SETTING_NAMES}")
    import tomlkit  # writing only: not for the TUI's start (issue 15)

    try:
        text = read_user_bytes(file, what="config file", limit=MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        tomllib.loads(text)
        doc = tomlkit.parse(text)
    except (tomllib.TOMLDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise SettingsError(f"{file} has a TOML syntax error ({exc}); not overwriting it") from exc
    _update_document(doc, settings, names)
    try:
        _atomic_write(file, tomlkit.dumps(doc))
    except OSError as exc:
        raise SettingsError(f"cannot write {file}: {exc.strerror or exc}") from exc
    settings.path = file
    return file


def _load_change_save(path: str | os.PathLike[str] | None, change: Callable[[Settings], object],
                      only: Collection[str]) -> Settings:
    settings, _problems = load_settings(path, known_themes=_ANY)
    change(settings)
    save_settings(settings, settings.path, only=only)
    return settings


class _AnyName(Collection[str]):
    """Accepts every theme name: remembering one must not depend on the theme list."""

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str)

    def __iter__(self) -> Any:
        return iter(())

    def __len__(self) -> int:
        return 0


_ANY = _AnyName()


def remember_image(image: str, path: str | os.PathLike[str] | None = None) -> Settings:
    """Put `image` first in the file's `recent_images` (re-read just before, so edits made meanwhile
    survive) and return the settings. Raises SettingsError like save_settings."""
    return _load_change_save(path, lambda settings: settings.remember_image(image), {"recent_images"})


def remember_theme(theme: str, path: str | os.PathLike[str] | None = None) -> Settings:
    """Store `theme` in the file (the app calls it when the user picks a theme). SettingsError on failure."""

    def change(settings: Settings) -> None:
        settings.theme = theme

    return _load_change_save(path, change, {"theme"})
