"""The suite's own layout stays as tests/helpers/__init__.py describes it: shared code in the
helpers package, shared fixtures in conftest.py, and no test module importing another (pytest puts
each test folder on sys.path, so such an import would work, and tie the modules together)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_test_module_imports_another_or_a_conftest() -> None:
    sources = sorted(TESTS.rglob("*.py"))
    modules = {path.stem for path in sources if path.stem.startswith("test_")} | {"conftest"}
    offenders = {str(path.relative_to(TESTS)): sorted(_imported(path) & modules) for path in sources}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_shared_code_lives_in_the_helpers_package() -> None:
    loose = [str(path.relative_to(TESTS)) for path in TESTS.rglob("*.py")
             if not path.stem.startswith("test_") and path.name not in ("conftest.py", "__init__.py")
             and path.parent.name != "helpers" and "__snapshots__" not in path.parts]
    assert loose == [], "put shared test code in tests/helpers/ (imported as helpers.<module>)"
    assert (TESTS / "helpers" / "__init__.py").is_file()
