"""Remapped keys (`[keys]` of config.toml) checked against the browser's other bindings."""

from __future__ import annotations

from pathlib import Path

from tui.actions import remappable
from tui.keymap import keymap_clashes, keymap_from_settings
from tui.settings import load_settings


def test_a_key_another_binding_keeps_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# keys\n[keys]\ndebug = "s"\nhelp = "/"\nquit = "q,ctrl+q"\nfly = "f"\n')
    settings, problems = load_settings(path)
    assert problems == []
    keymap, warnings = keymap_from_settings(settings)
    assert keymap == {"quit": "q,ctrl+q"}
    assert [(w.key, w.line) for w in warnings] == [("keys.fly", 6), ("keys.debug", 3), ("keys.help", 4)]
    assert "'s' is already the key of shell; keeping the default 'd'" in warnings[1].message
    assert "already the key of filter" in warnings[2].message  # "/" is spelled "slash" by Textual


def test_moving_the_other_binding_away_frees_its_key() -> None:
    assert keymap_clashes({"debug": "s", "shell": "ctrl+x"}) == []
    assert keymap_clashes({"debug": "enter"}) == [("debug", "enter", "the pod table (inspect)")]
    assert set(remappable()) >= {"debug", "audit_log", "theme", "help"}


def test_keys_are_shown_as_a_user_types_them() -> None:
    from tui.keymap import key_label

    shown = {spec: key_label(spec) for spec in ("semicolon", "question_mark", "ctrl+s", "f4", "shift+f5", "q,ctrl+q",
                                                "ctrl+right_square_bracket", "space", "full_stop", "G")}
    assert shown == {"semicolon": ";", "question_mark": "?", "ctrl+s": "Ctrl+S", "f4": "F4", "shift+f5": "Shift+F5",
                     "q,ctrl+q": "q, Ctrl+Q", "ctrl+right_square_bracket": "Ctrl+]", "space": "Space",
                     "full_stop": ".", "G": "G"}
