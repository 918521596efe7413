"""NO_COLOR: greys only (Textual's monochrome), but no word may vanish into its background."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import Monochrome

from tui.app import MIN_GREY_CONTRAST, EphemeraApp, ReadableMonochrome
from tui.settings import Settings


def _grey(style: Style | None) -> float:
    assert style is not None and style.color is not None
    return Color.from_rich_color(style.color).brightness


def test_red_text_on_a_dark_background_stays_readable_and_grey() -> None:
    dark = Color(0x30, 0x30, 0x30)
    red = Style(color="#ba3c5b", bgcolor="#303030", bold=True)  # textual-dark's error colour on a panel
    plain_grey = Monochrome().apply([Segment("CrashLoopBackOff", red)], dark)[0].style
    assert abs(_grey(plain_grey) - dark.brightness) < MIN_GREY_CONTRAST  # what Textual alone shows: nearly gone
    [segment] = ReadableMonochrome().apply([Segment("CrashLoopBackOff", red)], dark)
    assert segment.text == "CrashLoopBackOff" and segment.style is not None and segment.style.bold
    assert abs(_grey(segment.style) - dark.brightness) >= MIN_GREY_CONTRAST
    fg = Color.from_rich_color(segment.style.color)
    assert fg.r == fg.g == fg.b  # still no colour


def test_a_dim_glyph_stays_dim_so_an_unselected_radio_button_looks_unselected() -> None:
    dark = Color(0x30, 0x30, 0x30)
    [segment] = ReadableMonochrome().apply([Segment("●", Style(color="#333333", bgcolor="#303030"))], dark)
    assert abs(_grey(segment.style) - dark.brightness) < MIN_GREY_CONTRAST


def test_the_app_uses_it_when_no_color_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = EphemeraApp(kubeconfig=None, settings=Settings())
    assert app.no_color and any(isinstance(f, ReadableMonochrome) for f in app._filters)
    assert not any(type(f) is Monochrome for f in app._filters)
