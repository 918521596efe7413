"""Imports are at the top of their module (issue 11: no import inside a function to dodge a cycle
or start-up time). The few late imports left are listed here with why, so a new one is a conscious
choice: move it to the top, or add it below with its reason (and a comment at the import).

The subcommands' late import is `tui.commands.lazy_run` / `lazy_arguments` (importlib, not an
import statement): `ephemera --help` and `--version` import only the cheap `*_command` modules,
which the last test checks in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (module holding the import, module imported) -> why it is imported late
ALLOWED: dict[tuple[str, str], str] = {
    ("tui.commands.debug_run", "tui.keymap"): "Textual's key names, only for the attach hints",
    ("tui.commands.debug_run", "tui.commands.debug_tui"): "the TUI (Textual), only when attaching on a terminal",
    ("tui.commands.tui_run", "tui.demo.cluster"): "the demo cluster (aiohttp, simulated node), only for --demo",
    ("tui.settings", "textual.theme"): "Textual's themes, only when the file sets a theme (the CLI reads settings)",
    ("tui.kube.errors", "kubernetes.client.exceptions"): "kept cheap to import (its own comment)",
    ("tui.kube.errors", "kubernetes.config.config_exception"): "kept cheap to import (its own comment)",
    ("tui.cli", "tui.commands.parser"): "argparse and the subcommand table: `ephemera --version` alone is answered "
    "before them (issue 15)",
    ("tui.commands.parser", "tui.terminal_exit"): "asyncio (a third of `ephemera --help`'s imports), only after a "
    "Ctrl+C",
    ("tui.app", "tui.crash_report"): "rich.traceback, rich.pretty, Pygments, attrs (~30 ms of CPU), only after a crash "
    "(start-up)",
    ("tui.app", "tui.screens.audit_log_screen"): "the audit log view, only on L (start-up)",
    ("tui.settings", "tomlkit"): "the comment-keeping TOML writer, only when settings are saved (start-up)",
    # issue 15: the first screen (the pod list) does not wait for the views opened by a key
    ("tui.screens.session_tabs", "tui.screens.session_pane"): "the panes, the terminal engine and the session's "
    "life, only when the first pane opens (start-up)",
    ("tui.screens.browser_screen", "tui.screens.logs_screen"): "the logs view, only on l / p (start-up)",
    ("tui.screens.browser_screen", "tui.screens.yaml_screen"): "rich.syntax and Pygments, only on v (start-up)",
    ("tui.screens.browser_screen", "tui.screens.node_debug_modal"): "node debug planning, only on N (start-up)",
    ("tui.screens.browser_screen", "tui.screens.file_copy_modal"): "the tar-over-exec file copy, only on F (start-up)",
    ("tui.screens.browser_screen", "tui.screens.debug_followup"): "the debug form, policy audit and cleanup screens "
    "(debug planning, PyYAML), only on d / P / C and the messages they send (start-up)",
}


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _late_imports(tree: ast.AST, module: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue  # annotations only: nothing is imported when the code runs
            if in_function and isinstance(child, ast.Import):
                found.update((module, alias.name) for alias in child.names)
            elif in_function and isinstance(child, ast.ImportFrom):
                found.add((module, "." * child.level + (child.module or "")))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(tree, False)
    return found


def test_function_level_imports_are_only_the_listed_ones() -> None:
    found: set[tuple[str, str]] = set()
    for package in ("tui", "widgets"):
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found |= _late_imports(ast.parse(path.read_text(), filename=str(path)), module)
    assert sorted(found - ALLOWED.keys()) == [], "import it at the top of the module (or list it here, saying why)"
    assert sorted(ALLOWED.keys() - found) == [], "no longer imported late: take it off the list"


def test_help_and_version_import_no_command_implementation() -> None:
    """`ephemera --help` / `--version` load the cheap `*_command` modules and nothing heavy."""
    probe = (
        "import sys\n"
        "from tui.cli import build_parser\n"
        "for argv in (['--version'], ['--help']):\n"
        "    try:\n"
        "        build_parser().parse_args(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT,
                            check=True)
    loaded = set(result.stdout.splitlines()[-1].split())
    assert "tui.commands.debug_command" in loaded
    heavy = ("tui.debug", "tui.kube", "tui.app", "tui.demo", "tui.settings", "yaml", "kubernetes", "textual",
             "websocket", "aiohttp", "asyncio", "importlib.metadata")
    assert sorted(name for name in loaded if name.split(".")[0] in heavy or name.startswith(heavy)) == []
    assert sorted(name for name in loaded if name.startswith("tui.commands.") and name.endswith("_run")) == []
