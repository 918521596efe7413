"""The installed package is complete: stylesheet shipped, console scripts present, kubectl plugin works.

In CI (`.ci/run`) the package is a plain, non-editable `pip install .` and the tests run with
`.venv/bin/pytest`, so the repo root is not on sys.path and these tests see what a user installs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import distribution
from importlib.resources import files
from pathlib import Path

import pytest

import tui
from tui.resources import stylesheet_path

BIN = Path(sys.executable).parent


def editable_install() -> bool:
    text = distribution("ephemera").read_text("direct_url.json")
    return bool(text and json.loads(text).get("dir_info", {}).get("editable"))


def test_tests_import_the_installed_package() -> None:
    if editable_install():
        pytest.skip("editable install (development venv): the source tree is the installed package")
    package_dir = Path(tui.__file__).resolve().parent
    assert "site-packages" in package_dir.parts, f"tests imported tui from {package_dir}, not the installed wheel"


def test_the_installed_version_is_tuis() -> None:
    """pyproject.toml takes the version from tui/__init__.py (no importlib.metadata at start-up)."""
    assert distribution("ephemera").version == tui.__version__


def test_stylesheet_ships_inside_the_package() -> None:
    stylesheet = stylesheet_path()
    assert stylesheet.is_file() and stylesheet.name == "app.tcss"
    assert stylesheet.read_text().strip()
    if editable_install():
        assert stylesheet == Path(tui.__file__).resolve().parent.parent / "styles" / "app.tcss"
    else:
        shipped = files("tui") / "styles" / "app.tcss"
        assert shipped.is_file(), "styles/app.tcss is missing from the wheel (pyproject force-include)"
        assert stylesheet == Path(str(shipped))


def test_widgets_package_is_installed() -> None:
    import widgets

    assert Path(widgets.__file__).is_file()


@pytest.mark.parametrize("script", ["ephemera", "kubectl-ephemera"])
def test_console_scripts_report_the_version(script: str) -> None:
    path = BIN / script
    assert path.is_file() and os.access(path, os.X_OK), f"{script} is not installed in {BIN}"
    result = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert result.stdout.strip() == f"ephemera {tui.__version__}"


def test_kubectl_plugin(kubectl: str) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([kubectl, "ephemera", "--version"], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ephemera {tui.__version__}"
    helped = subprocess.run([kubectl, "ephemera", "--help"], capture_output=True, text=True, timeout=30, env=env)
    assert helped.stdout.startswith("usage: kubectl ephemera")
