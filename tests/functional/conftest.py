"""Functional tests never touch the user's own Ephemera files: the audit log (`ephemera debug`,
`ephemera cleanup` and the UI record every change) goes under the test's tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$XDG_STATE_HOME under tmp_path (tests may point it elsewhere again)."""
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state
