"""Files the user names are read bounded (`tui.user_files`): regular files only, at most a limit,
one line naming the file otherwise; the settings file goes through the same reader.

(No test reads /dev/zero: were the bound ever lost, it would eat the machine's memory. /dev/null
is a character device that ends at once, and a FIFO without a writer would block: both show the
check without that risk.)"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tui.settings import load_settings
from tui.user_files import MIB, UserFileError, read_user_bytes, read_user_file


def test_a_regular_file_up_to_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("é" * 5)  # 10 bytes
    assert read_user_file(path, limit=10) == "é" * 5
    with pytest.raises(UserFileError, match=rf"^file {path} is larger than 11 bytes: refused"):
        path.write_text("x" * 12)
        read_user_file(path, limit=11)


def test_devices_fifos_and_directories_are_refused_by_name(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    cases = {"/dev/null": "a character device", str(fifo): "a FIFO (named pipe)", str(tmp_path): "a directory"}
    for path, kind in cases.items():
        with pytest.raises(UserFileError) as error:
            read_user_file(path, what="--custom file")
        assert str(error.value) == f"--custom file {path} is {kind}, not a regular file: name a file"


def test_standard_input_is_bounded_too() -> None:
    assert read_user_file("-", stdin=io.BytesIO(b"{}")) == "{}"
    with pytest.raises(UserFileError, match=r"^file standard input is larger than 1 MiB"):
        read_user_file("-", stdin=io.BytesIO(b"x" * (MIB + 1)))


def test_missing_and_undecodable_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(UserFileError, match=r"^cannot read file .*missing: No such file or directory$"):
        read_user_file(tmp_path / "missing")
    with pytest.raises(FileNotFoundError):  # the bytes reader leaves open errors to the caller
        read_user_bytes(tmp_path / "missing")
    (tmp_path / "latin1").write_bytes(b"caf\xe9")
    with pytest.raises(UserFileError, match=r"is not UTF-8 text \(byte 3\)"):
        read_user_file(tmp_path / "latin1")


def test_a_config_file_that_is_a_fifo_or_huge_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    settings, problems = load_settings(fifo)
    assert settings.default_image == "busybox"
    assert [str(p.message) for p in problems] == [
        f"cannot read it (config file {fifo} is a FIFO (named pipe), not a regular file: name a file); check its "
        "permissions or pass another file with --config; using the default settings"]
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * MIB + "\n")
    _, problems = load_settings(big)
    assert len(problems) == 1 and "is larger than 1 MiB" in problems[0].message
