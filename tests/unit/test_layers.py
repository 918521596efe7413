"""The layers of docs/ARCHITECTURE.md hold: the core imports without Textual (and the pure layers
without any network library), and import-linter's contracts in pyproject.toml are kept."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Every module of these packages is imported in a fresh interpreter, then sys.modules is checked.
_IMPORT_ALL = textwrap.dedent("""
    import importlib, pkgutil, sys
    packages, forbidden = sys.argv[1].split(","), sys.argv[2].split(",")
    imported = []
    for name in packages:
        package = importlib.import_module(name)
        imported.append(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=name + "."):
            importlib.import_module(module.name)
            imported.append(module.name)
    loaded = sorted(m for m in forbidden if m in sys.modules)
    print(len(imported), " ".join(loaded))
""")


def _import_all(packages: list[str], forbidden: list[str]) -> tuple[int, list[str]]:
    """(modules imported, forbidden top-level modules that got loaded)."""
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, ",".join(packages), ",".join(forbidden)],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    count, _, loaded = result.stdout.strip().partition(" ")
    return int(count), loaded.split()


def test_the_core_imports_without_textual() -> None:
    count, loaded = _import_all(["tui.pods", "tui.debug", "tui.kube", "tui.demo", "tui.sessions"], ["textual"])
    assert count > 50  # every module of the five packages, not just their __init__
    assert loaded == [], f"importing the core loaded {loaded}"


def test_the_session_runner_imports_no_ui() -> None:
    count, loaded = _import_all(["tui.sessions"], ["textual", "widgets", "tui.screens", "tui.app", "tui.demo"])
    assert count >= 2  # tui.sessions and its runner
    assert loaded == [], f"importing tui.sessions loaded {loaded}"


def test_the_pure_layers_import_no_network_library() -> None:
    count, loaded = _import_all(["tui.pods", "tui.debug"],
                                ["textual", "kubernetes", "urllib3", "aiohttp", "websocket", "tui.kube", "tui.demo"])
    assert count > 10
    assert loaded == [], f"importing tui.pods and tui.debug loaded {loaded}"


def test_the_demo_cluster_imports_no_client_code() -> None:
    _, loaded = _import_all(["tui.demo"], ["textual", "kubernetes", "tui.kube", "widgets"])
    assert loaded == [], f"importing tui.demo loaded {loaded}"


def _lint_imports() -> str | None:
    beside = Path(sys.executable).with_name("lint-imports")
    return str(beside) if beside.exists() else shutil.which("lint-imports")


def test_import_contracts_are_kept() -> None:
    tool = _lint_imports()
    if tool is None:
        pytest.skip("lint-imports is not installed (it comes with the test extras: pip install '.[test]')")
    result = subprocess.run([tool, "--no-cache"], capture_output=True, text=True, timeout=300, cwd=REPO)
    # the report names each broken contract and the import chains that break it
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_every_module_says_what_it_holds() -> None:
    """docs/ARCHITECTURE.md is one page; the details of each module are in its docstring (issue 11)."""
    missing = [str(path.relative_to(REPO)) for package in ("tui", "widgets")
               for path in sorted((REPO / package).rglob("*.py"))
               if path.name != "__init__.py" and not ast.get_docstring(ast.parse(path.read_text()))]
    assert missing == [], "give these modules a docstring saying what they hold"
