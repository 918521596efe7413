"""User-remappable keys: the binding ids the `[keys]` table of config.toml may rebind.

```toml
[keys]
debug = "ctrl+d"          # action (binding id) = Textual key string(s), comma separated
quit = "q,ctrl+q"
```

The remappable actions and their default keys are those of `tui.actions` (`remappable()`); the
app checks the `[keys]` table against them (`keymap_from_settings`, after `load_settings` checked
the key strings) and hands the good entries to `App.set_keymap`, keeping them as
`app.keymap_overrides`. Unknown actions, keys given to two actions, and keys another binding of
the browser already uses (its default key, or a key of the pod table: that binding would lose it,
or the remap would never fire) are reported with the file's line as warnings, and such an entry is
not applied. A clash Textual finds at run time is reported once (`describe_clash`).

How a key is shown to the user: `key_label("ctrl+s") == "Ctrl+S"`, and `key_for(app, binding_id)`
for a binding's key(s) as the user's keymap set them (palette, help, notices), or as bound in a web
browser (`app.in_browser`: an action's `browser_keys`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from textual.binding import Binding
from textual.keys import key_to_character

from tui.actions import ACTIONS, APP, BROWSER, remappable
from tui.settings import Settings, SettingsProblem, check_keymap, find_key_line

__all__ = ["KEY_NAMES", "RESERVED_KEYS", "describe_clash", "key_for", "key_label", "keymap_clashes",
           "keymap_from_settings"]

# Keys of the browser that cannot be remapped and what a warning calls them: the pod table's own
# and the app's fixed keys (the browser's other fixed keys come from tui.actions).
RESERVED_KEYS: dict[str, str] = {
    **dict.fromkeys(("j", "k", "g", "G", "up", "down", "home", "end", "pageup", "pagedown", "h", "l", "left", "right"),
                    "the pod table (move the cursor)"),
    "enter": "the pod table (inspect)", "escape": "clear the filter / back", "tab": "the inspector",
    "ctrl+c": "quit", "f1": "help", "ctrl+p": "the command palette",
}


KEY_NAMES = {
    "question_mark": "?", "slash": "/", "colon": ":", "escape": "Esc", "enter": "Enter", "tab": "Tab",
    "space": "Space", "delete": "Del", "up": "↑", "down": "↓", "left": "←", "right": "→",
    "pageup": "PgUp", "pagedown": "PgDn", "home": "Home", "end": "End", "right_square_bracket": "]",
    "left_square_bracket": "[", "ctrl+right_square_bracket": "Ctrl+]", "shift+tab": "Shift+Tab",
}


def key_label(key: str) -> str:
    """`ctrl+s` -> `Ctrl+S`, `question_mark` -> `?`; several keys joined by `, `."""
    parts = []
    for k in key.split(","):
        k = k.strip()
        if k in KEY_NAMES:
            parts.append(KEY_NAMES[k])
        elif k.startswith("ctrl+"):
            rest = k[5:]
            parts.append("Ctrl+" + KEY_NAMES.get(rest, rest.upper() if len(rest) == 1 else _single_key(rest)))
        else:
            parts.append(_single_key(k))
    return ", ".join(parts)


def _single_key(key: str) -> str:
    """`semicolon` -> `;`, `f5` -> `F5`, `shift+f5` -> `Shift+F5` (Textual's names, as a user reads them)."""
    if "+" in key and len(key) > 1:
        modifier, _, rest = key.rpartition("+")
        return "+".join(part.capitalize() for part in modifier.split("+")) + "+" + _single_key(rest)
    character = key_to_character(key)
    if character is not None and character.isprintable() and not character.isspace():
        return character
    if re.fullmatch(r"f\d{1,2}", key):
        return key.upper()
    return KEY_NAMES.get(key, key)


_DEFAULT_LABELS = {action.id: key_label(action.keys) for action in ACTIONS if action.remappable}
_BROWSER_LABELS = {action.id: key_label(action.browser_keys) for action in ACTIONS if action.browser_keys}


def key_for(app: Any, binding_id: str | None, default: str | None = None) -> str:
    """The key(s) of a binding as the user's keymap set them (`[keys]` in config.toml, kept by the
    app as `keymap_overrides`); else `default`, else the binding's default key(s) as a user reads them
    (in a web browser, `app.in_browser`, its `browser_keys` when it has some)."""
    keymap: Mapping[str, str] = getattr(app, "keymap_overrides", None) or {}
    keys = keymap.get(binding_id) if binding_id is not None else None
    if keys:
        return key_label(_normalize_list(keys))
    if default is not None:
        return default
    if getattr(app, "in_browser", False) and binding_id in _BROWSER_LABELS:
        return _BROWSER_LABELS[binding_id]
    return _DEFAULT_LABELS.get(binding_id or "", "")


def _normalize(spec: str) -> list[str]:
    """Textual's own spelling of a key list ("/" -> "slash"), as its bindings and keymaps use it."""
    keys = [key.strip() for key in spec.split(",") if key.strip()]
    return [binding.key for binding in Binding.make_bindings(Binding(key, "") for key in keys)]


def _normalize_list(spec: str) -> str:
    return ",".join(_normalize(spec))


def _reserved_keys() -> dict[str, str]:
    """Key -> what has it, for the keys of the browser no `[keys]` entry may take."""
    fixed = {key: action.footer.lower() for action in ACTIONS
             if action.view == BROWSER and not action.remappable for key in _normalize(action.keys)}
    return {**fixed, **RESERVED_KEYS}


def keymap_clashes(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(action, key, what already has it) for each remapped key another browser binding keeps."""
    remapped_away = set(keymap)
    defaults = remappable(BROWSER, APP)
    reserved = _reserved_keys()
    clashes: list[tuple[str, str, str]] = []
    for action, spec in keymap.items():
        for key in _normalize(spec):
            if key in reserved:
                clashes.append((action, key, reserved[key]))
                continue
            for other, default in defaults.items():
                if other != action and other not in remapped_away and key in _normalize(default):
                    clashes.append((action, key, other))
    return clashes


def keymap_from_settings(settings: Settings, actions: Iterable[str] | None = None) -> tuple[dict[str, str],
                                                                                              list[SettingsProblem]]:
    """The `[keys]` entries to give `App.set_keymap`, and a warning (naming `keys.ACTION` and its
    line) per unknown action, key given to two actions, or key another binding already has."""
    defaults = remappable()
    known = list(defaults) if actions is None else list(actions)
    keymap, problems = check_keymap(settings, known)
    for action, key, other in keymap_clashes(keymap):
        keymap.pop(action, None)
        problems.append(SettingsProblem(
            f"{key!r} is already the key of {other}; keeping the default {defaults.get(action, '')!r}",
            key=f"keys.{action}", line=find_key_line(settings.source, f"keys.{action}"), severity="warning",
            path=settings.path))
    return keymap, problems


def describe_clash(bindings: Iterable[Any], view: str) -> str:
    """One line for a run-time clash of remapped keys: `keys: 'x' is bound to both debug and shell
    in the pod browser; the first one wins`."""
    by_key: dict[str, list[str]] = {}
    for binding in bindings:
        by_key.setdefault(str(binding.key), []).append(str(binding.id or binding.action))
    parts = [f"{key!r} is bound to {' and '.join(sorted(set(names)))}" for key, names in sorted(by_key.items())]
    return f"keys: {'; '.join(parts) or 'a key is bound twice'} in {view}; check [keys] in the config file"
