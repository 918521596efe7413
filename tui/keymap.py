"""User-remappable keys: the binding ids the `[keys]` table of config.toml may rebind.

```toml
[keys]
debug = "ctrl+d"          # action (binding id) = Textual key string(s), comma separated
quit = "q,ctrl+q"
```

Every `Binding(..., id=ACTION)` of the browser and the app is listed in `REMAPPABLE`; the app
checks the `[keys]` table against them (`keymap_from_settings`, after `load_settings` checked the
key strings) and hands the good entries to `App.set_keymap`. Unknown
actions, keys given to two actions, and keys another binding of the browser already uses (its
default key, or a key of the pod table: that binding would lose it, or the remap would never
fire) are reported with the file's line as warnings, and such an entry is not applied. A clash
Textual finds at run time is reported once (`describe_clash`).

How a key is shown to the user: `key_label("ctrl+s") == "Ctrl+S"`, and `key_for(app, binding_id,
default)` for a binding's key(s) as the user's keymap set them (palette, help, notices).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from textual.keys import _normalize_key_list, key_to_character

from tui.settings import Settings, SettingsProblem, check_keymap, find_key_line

__all__ = ["DEFAULT_KEYS", "KEY_NAMES", "REMAPPABLE", "RESERVED_KEYS", "describe_clash", "key_for", "key_label",
           "keymap_clashes", "keymap_from_settings"]

REMAPPABLE: dict[str, str] = {
    # the pod browser (tui/screens/browser_screen.py)
    "filter": "filter pods (/)",
    "command_palette": "command palette (:)",
    "namespace": "pick a namespace (n)",
    "context": "pick a kubeconfig context (c)",
    "all_namespaces": "toggle all namespaces (A)",
    "inspector": "hide/show the container inspector (i)",
    "retry": "retry the connection now (r)",
    "screenshot": "save an SVG screenshot (ctrl+s)",
    "debug": "debug the selected pod (d)",
    "policy_audit": "policy audit of the selected pod (P)",
    "cleanup": "clean up Ephemera's copies (C)",
    "attach": "attach to the pod's debug container (a)",
    "shell": "a shell in one of the pod's containers (s)",
    "panes": "into the session panes (t)",
    "full_screen": "session panes full-screen (z)",
    "help": "the keys of the focused view (?)",
    "quit": "quit (q)",
    # the app (tui/app.py), everywhere
    "audit_log": "the audit log view (L)",
    "theme": "pick a theme (ctrl+t)",
}


# The keys of REMAPPABLE's bindings as the code declares them (Textual key names).
DEFAULT_KEYS: dict[str, str] = {
    "filter": "slash", "command_palette": "colon", "namespace": "n", "context": "c", "all_namespaces": "A",
    "inspector": "i", "retry": "r", "screenshot": "ctrl+s", "debug": "d", "policy_audit": "P", "cleanup": "C",
    "attach": "a", "shell": "s", "panes": "t", "full_screen": "z", "help": "question_mark", "quit": "q",
    "audit_log": "L", "theme": "ctrl+t",
}
# Keys of the browser's bindings that cannot be remapped (the pod table's own, Esc, Tab, ...).
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


def key_for(app: Any, binding_id: str | None, default: str) -> str:
    """The key(s) of a binding as the user's keymap set them (`[keys]` in config.toml)."""
    if binding_id is None:
        return default
    keymap = getattr(app, "_keymap", None) or {}
    keys = keymap.get(binding_id)
    if not keys:
        return default
    return key_label(keys)


def _normalize(spec: str) -> list[str]:
    # Textual's own spelling ("/" -> "slash")
    return [key for key in _normalize_key_list(spec).split(",") if key]


def keymap_clashes(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(action, key, what already has it) for each remapped key another browser binding keeps."""
    remapped_away = set(keymap)
    clashes: list[tuple[str, str, str]] = []
    for action, spec in keymap.items():
        for key in _normalize(spec):
            if key in RESERVED_KEYS:
                clashes.append((action, key, RESERVED_KEYS[key]))
                continue
            for other, default in DEFAULT_KEYS.items():
                if other != action and other not in remapped_away and key in _normalize(default):
                    clashes.append((action, key, other))
    return clashes


def keymap_from_settings(settings: Settings, actions: Iterable[str] | None = None) -> tuple[dict[str, str],
                                                                                              list[SettingsProblem]]:
    """The `[keys]` entries to give `App.set_keymap`, and a warning (naming `keys.ACTION` and its
    line) per unknown action, key given to two actions, or key another binding already has."""
    known = list(REMAPPABLE) if actions is None else list(actions)
    keymap, problems = check_keymap(settings, known)
    for action, key, other in keymap_clashes(keymap):
        keymap.pop(action, None)
        problems.append(SettingsProblem(
            f"{key!r} is already the key of {other}; keeping the default {DEFAULT_KEYS.get(action, '')!r}",
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
