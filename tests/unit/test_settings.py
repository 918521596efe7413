"""config.toml: what a user sees when the file is good, bad, or edited by the app."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.debug.request import Mode, Profile
from tui.paths import audit_log_path, config_path
from tui.settings import (
    MAX_RECENT_IMAGES,
    Settings,
    SettingsError,
    check_keymap,
    load_settings,
    remember_image,
    remember_theme,
    save_settings,
    valid_key_spec,
)

GOOD = """\
# my Ephemera settings
default_image = "nicolaka/netshoot"  # has tcpdump
default_profile = "restricted"
default_namespace = "shop"
theme = "nord"
recent_images = ["nicolaka/netshoot", "busybox"]

[keys]
debug = "ctrl+d"
quit = "q,ctrl+q"

[debug]
mode = "target"
pull_policy = "IfNotPresent"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_missing_file_is_all_defaults_and_no_problem(tmp_path: Path) -> None:
    settings, problems = load_settings(tmp_path / "nope.toml")
    assert problems == []
    assert settings == Settings()
    assert settings.default_image == "busybox"
    assert settings.default_profile is Profile.GENERAL


def test_good_file_is_read(tmp_path: Path) -> None:
    settings, problems = load_settings(write(tmp_path, GOOD))
    assert problems == []
    assert settings.default_image == "nicolaka/netshoot"
    assert settings.default_profile is Profile.RESTRICTED
    assert settings.default_namespace == "shop"
    assert settings.theme == "nord"
    assert settings.recent_images == ["nicolaka/netshoot", "busybox"]
    assert settings.keys == {"debug": "ctrl+d", "quit": "q,ctrl+q"}
    assert settings.debug.mode is Mode.TARGET
    assert settings.debug.pull_policy == "IfNotPresent"


def test_syntax_error_names_line_and_column_and_starts_with_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, 'default_image = "alpine"\ntheme = \n')
    settings, problems = load_settings(path)
    assert settings == Settings()
    [problem] = problems
    assert (problem.line, problem.column) == (2, 9)
    assert str(problem).startswith(f"{path}, line 2, column 9: theme: TOML syntax error")  # the key of the line
    assert "using the default settings" in str(problem)


def test_syntax_error_names_the_key_or_table_of_its_line(tmp_path: Path) -> None:
    cases = {
        '[keys]\ndebug = "x\nquit = "q"\n': "keys.debug",      # unterminated string in a table
        'a = 1\n[keys]\n[keys]\n': "keys",                    # a table declared twice
        'theme = "nord"\nx\n': None,                           # no key on the line: none named
    }
    for text, key in cases.items():
        _settings, [problem] = load_settings(write(tmp_path, text))
        assert problem.key == key, (text, problem)
        assert "TOML syntax error" in str(problem) and f"line {problem.line}" in str(problem)


def test_unterminated_string_at_the_end_points_at_the_last_line(tmp_path: Path) -> None:
    _, [problem] = load_settings(write(tmp_path, 'theme = "nord"\ndefault_image = "busy'))
    assert problem.line == 2
    assert "end of the file" in problem.message


def test_wrong_types_name_the_key_and_line_and_good_keys_are_kept(tmp_path: Path) -> None:
    text = GOOD.replace('default_image = "nicolaka/netshoot"  # has tcpdump', "default_image = 3") \
               .replace('mode = "target"', 'mode = "sideways"')
    settings, problems = load_settings(write(tmp_path, text))
    by_key = {problem.key: problem for problem in problems}
    assert set(by_key) == {"default_image", "debug.mode"}
    assert by_key["default_image"].line == 2
    assert "must be a string, not int 3" in str(by_key["default_image"])
    assert "using the default 'busybox'" in str(by_key["default_image"])
    assert by_key["debug.mode"].line == 13
    assert "unknown mode 'sideways'" in by_key["debug.mode"].message
    assert all(problem.severity == "error" for problem in problems)
    # the bad keys got defaults; every good key is kept
    assert settings.default_image == "busybox"
    assert settings.debug.mode is None  # bad value: the default, decided per pod by the form
    assert settings.default_profile is Profile.RESTRICTED
    assert settings.theme == "nord"
    assert settings.debug.pull_policy == "IfNotPresent"


@pytest.mark.parametrize(("line", "key", "fragment"), [
    ('default_profile = "godmode"', "default_profile", "unknown profile 'godmode'"),
    ('default_namespace = "Not_A_Namespace"', "default_namespace", "not a namespace name"),
    ('theme = "hotdog-stand"', "theme", "unknown theme 'hotdog-stand'"),
    ("recent_images = \"busybox\"", "recent_images", "must be an array"),
    ("keys = 5", "keys", "must be a table"),
    ("debug = true", "debug", "must be a table, not the boolean true"),
])
def test_each_bad_value_is_reported_with_its_key_on_line_2(tmp_path: Path, line: str, key: str,
                                                            fragment: str) -> None:
    settings, problems = load_settings(write(tmp_path, f"# settings\n{line}\n"))
    [problem] = problems
    assert (problem.key, problem.line) == (key, 2)
    assert fragment in problem.message
    assert settings == Settings()


def test_unknown_keys_are_warnings_with_lines(tmp_path: Path) -> None:
    settings, problems = load_settings(write(tmp_path, 'colour = "red"\ntheme = "nord"\n[debug]\nttl = 3\n'))
    assert [(p.key, p.line, p.severity) for p in problems] == [("colour", 1, "warning"), ("debug.ttl", 4, "warning")]
    assert "unknown setting" in problems[0].message
    assert settings.theme == "nord"


def test_bad_key_strings_keep_the_default_binding(tmp_path: Path) -> None:
    settings, problems = load_settings(write(tmp_path, '[keys]\ndebug = "ctrl + d"\nquit = 7\nhelp = "f1"\n'))
    assert [(p.key, p.line) for p in problems] == [("keys.debug", 2), ("keys.quit", 3)]
    assert "keeping the default key" in problems[0].message
    assert settings.keys == {"help": "f1"}


def test_keymap_checked_against_the_actions_the_ui_knows(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\ndebug = "ctrl+d"\nfly = "f"\nquit = "ctrl+d"\n')
    settings, problems = load_settings(path, known_actions={"debug", "quit", "help"})
    assert [(p.key, p.line) for p in problems] == [("keys.fly", 3), ("keys.quit", 4)]
    assert "unknown action" in problems[0].message
    assert "'ctrl+d' is also bound to 'debug'" in problems[1].message
    assert settings.keys == {"debug": "ctrl+d", "quit": "ctrl+d"}
    # the same check later, once the UI has its bindings
    keymap, later = check_keymap(load_settings(path)[0], {"debug"})
    assert keymap == {"debug": "ctrl+d"}
    assert [p.key for p in later] == ["keys.fly", "keys.quit"]


@pytest.mark.parametrize(("spec", "ok"), [
    ("d", True), ("G", True), ("?", True), ("ctrl+d", True), ("f5", True), ("q,ctrl+q", True),
    ("ctrl+shift+up", True), ("question_mark", True), ("", False), ("ctrl + d", False), ("hyperdrive+x", False),
    ("q,", False), (" ", False),
])
def test_key_spec_shapes(spec: str, ok: bool) -> None:
    assert valid_key_spec(spec) is ok


def test_unreadable_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    settings, [problem] = load_settings(tmp_path)  # a directory
    assert settings == Settings()
    assert "cannot read it" in problem.message and "--config" in problem.message


def test_a_file_that_is_not_utf8_names_the_line_and_column_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'default_image = "busybox"\ntheme = "\xff"\n')
    settings, [problem] = load_settings(path)
    assert settings == Settings()
    assert (problem.line, problem.column) == (2, 10)
    assert str(problem).startswith(f"{path}, line 2, column 10: not UTF-8 text (byte 0xff)")


def test_save_load_round_trip(tmp_path: Path) -> None:
    settings = Settings(default_image="alpine", default_profile=Profile.NETADMIN, default_namespace="web",
                        theme="dracula", keys={"debug": "ctrl+d"}, recent_images=["alpine", "busybox"])
    settings.debug.mode = Mode.COPY
    path = save_settings(settings, tmp_path / "sub" / "config.toml")
    loaded, problems = load_settings(path)
    assert problems == []
    assert loaded == settings
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_defaults_write_an_empty_file(tmp_path: Path) -> None:
    path = save_settings(Settings(), tmp_path / "config.toml")
    assert path.read_text().strip() == ""


def test_save_keeps_comments_unknown_keys_and_rejected_values(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('theme = "nord"', 'theme = "nord"\ncolour = "red"  # mine')
                 .replace('default_namespace = "shop"', "default_namespace = 42"))
    settings, problems = load_settings(path)
    assert [p.key for p in problems] == ["default_namespace", "colour"]
    settings.theme = "gruvbox"
    save_settings(settings)
    text = path.read_text()
    assert "# my Ephemera settings" in text
    assert 'default_image = "nicolaka/netshoot"  # has tcpdump' in text
    assert 'colour = "red"  # mine' in text
    assert "default_namespace = 42" in text  # the user's value stays for them to fix
    assert 'theme = "gruvbox"' in text
    assert load_settings(path)[0].theme == "gruvbox"


def test_save_refuses_to_overwrite_a_file_with_a_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, "theme = [\n")
    settings, _ = load_settings(path)
    with pytest.raises(SettingsError, match="syntax error"):
        save_settings(settings)
    assert path.read_text() == "theme = [\n"


def test_save_is_atomic_and_keeps_mode_and_symlink(tmp_path: Path) -> None:
    real = write(tmp_path, 'theme = "nord"\n')
    os.chmod(real, 0o640)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    remember_theme("dracula", link)
    assert link.is_symlink()
    assert 'theme = "dracula"' in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_remember_image_most_recent_first_no_duplicates_capped(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    for number in range(12):
        remember_image(f"image-{number}", path)
    remember_image("image-5", path)
    settings, problems = load_settings(path)
    assert problems == []
    assert len(settings.recent_images) == MAX_RECENT_IMAGES
    assert settings.recent_images[:3] == ["image-5", "image-11", "image-10"]
    assert settings.recent_images.count("image-5") == 1
    assert "image-0" not in settings.recent_images


def test_remember_image_keeps_edits_made_meanwhile(tmp_path: Path) -> None:
    path = write(tmp_path, 'default_image = "alpine"\n')
    remember_image("busybox", path)
    path.write_text(path.read_text() + 'theme = "nord"\n')  # the user edits the file while the app runs
    remember_image("nicolaka/netshoot", path)
    settings, _ = load_settings(path)
    assert (settings.default_image, settings.theme) == ("alpine", "nord")
    assert settings.recent_images == ["nicolaka/netshoot", "busybox"]


def test_config_path_precedence_and_xdg_defaults(tmp_path: Path) -> None:
    home = str(tmp_path)
    assert config_path(env={"HOME": home}) == tmp_path / ".config/ephemera/config.toml"
    assert config_path(env={"HOME": home, "XDG_CONFIG_HOME": "/x"}) == Path("/x/ephemera/config.toml")
    assert config_path(env={"HOME": home, "XDG_CONFIG_HOME": "relative"}) == tmp_path / ".config/ephemera/config.toml"
    assert config_path(env={"HOME": home, "EPHEMERA_CONFIG": "/e.toml"}) == Path("/e.toml")
    assert config_path("/cli.toml", env={"EPHEMERA_CONFIG": "/e.toml"}) == Path("/cli.toml")
    assert audit_log_path(env={"HOME": home}) == tmp_path / ".local/state/ephemera/audit.jsonl"
    assert audit_log_path(env={"HOME": home, "XDG_STATE_HOME": "/s"}) == Path("/s/ephemera/audit.jsonl")


def test_load_uses_ephemera_config_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPHEMERA_CONFIG", str(write(tmp_path, 'theme = "nord"\n')))
    assert load_settings()[0].theme == "nord"


def test_images_with_control_or_invisible_characters_are_problems(tmp_path: Path) -> None:
    """An image from config.toml goes on screen, into requests and onto the clipboard (Ctrl+Y):
    ESC, BEL or U+202E in it is a settings problem naming the key, as other bad values are."""
    settings, problems = load_settings(write(tmp_path, (
        'default_image = "busybox\\u001b]52;c;aGk=\\u0007"\n'
        'recent_images = ["alpine", "bad\\u202exob", "nginx\\u007f", "ok"]\n')))
    assert settings.default_image == "busybox"
    assert settings.recent_images == ["alpine", "ok"]
    by_key = {problem.key: problem for problem in problems}
    assert "␛" in by_key["default_image"].message and "is not an image reference" in by_key["default_image"].message
    assert by_key["default_image"].line == 1
    assert "\\u202e" in by_key["recent_images"].message and "\\x7f" in by_key["recent_images"].message
    for problem in problems:  # the message itself is safe to print
        assert "\x1b" not in str(problem) and "\u202e" not in str(problem) and "\x7f" not in str(problem)
