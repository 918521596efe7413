"""Files shipped with the package, found both in an installed wheel and in a source tree."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["styles_dir", "stylesheet_path"]

_SOURCE_ROOT = Path(__file__).resolve().parent.parent  # <repo> when running from a source tree


def styles_dir() -> Path:
    """`tui/styles` in an installed wheel (pyproject force-includes `styles` there), else `<repo>/styles`."""
    installed = files("tui") / "styles"
    if installed.is_dir():
        return Path(str(installed))
    source = _SOURCE_ROOT / "styles"
    if source.is_dir():
        return source
    raise FileNotFoundError(f"the styles directory is missing: looked in {installed} and {source}")


def stylesheet_path() -> Path:
    """The one stylesheet, `app.tcss` (for `EphemeraApp.CSS_PATH`)."""
    installed = files("tui") / "styles" / "app.tcss"
    if installed.is_file():
        return Path(str(installed))
    source = _SOURCE_ROOT / "styles" / "app.tcss"
    if source.is_file():
        return source
    raise FileNotFoundError(f"app.tcss is missing: looked in {installed} and {source}")
