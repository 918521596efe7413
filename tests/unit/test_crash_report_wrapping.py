"""The crash report's redaction sees each exception message whole: Rich wraps a long message at the
console's width, and a token's end on the next line, without its `Bearer ` or its JWT shape, was
printed in clear."""

from __future__ import annotations

import io

from rich.console import Console

from tui.crash_report import crash_traceback

OPAQUE = "Zq9" + "A1b2C3d4" * 20  # 163 characters: wraps on an 80-column console
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6a3ViZS1zeXN0ZW0" + "Q" * 90 + ".c2ln" + "S" * 60


def _report(message: str, width: int = 80) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, force_terminal=False)
    try:
        raise RuntimeError(message)
    except RuntimeError:
        segments = crash_traceback(console)
    return "".join(segment.text for segment in segments.segments)


def _pieces(secret: str, size: int = 12) -> list[str]:
    return [secret[i:i + size] for i in range(0, len(secret) - size + 1, size)]


def test_a_long_bearer_token_wrapped_by_the_console_is_redacted_whole() -> None:
    out = _report(f"refused: Authorization: Bearer {OPAQUE} (status 401)")
    assert "RuntimeError" in out and "refused: Authorization: Bearer <redacted>" in out
    assert [piece for piece in _pieces(OPAQUE) if piece in out] == []


def test_a_long_json_web_token_wrapped_by_the_console_is_redacted_whole() -> None:
    out = _report(f"the server said {JWT} was not valid", width=60)
    assert "the server said <redacted> was not valid" in " ".join(out.split())
    assert [piece for piece in _pieces(JWT) if piece in out] == []


def test_a_chained_exception_and_a_note_are_redacted_whole() -> None:
    console = Console(width=70, file=io.StringIO(), color_system=None, force_terminal=False)
    try:
        try:
            raise ValueError(f"Bearer {OPAQUE}")
        except ValueError as inner:
            outer = RuntimeError("the request failed")
            outer.add_note(f"Authorization: Bearer {OPAQUE[::-1]}")
            raise outer from inner
    except RuntimeError:
        out = "".join(segment.text for segment in crash_traceback(console).segments)
    assert "ValueError" in out and "the request failed" in out
    assert [piece for piece in _pieces(OPAQUE) + _pieces(OPAQUE[::-1]) if piece in out] == []
