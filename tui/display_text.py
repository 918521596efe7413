"""The one place where text from a cluster, a file or the user becomes display text.

Any pod author is a potential attacker of the person running Ephemera: an image name, a waiting
reason, a termination message or a label may hold terminal escape sequences (OSC 52 rewrites the
clipboard, OSC 0 renames the window, CSI 2 J clears the screen), 8-bit C1 controls, DEL, or
bidirectional overrides that make text read differently from what it is. It may also hold Rich /
Textual markup (`[/]` crashes a markup parser, `[link=...]` makes a real hyperlink).

So every such string goes through `visible()` (a plain string with every control character made
visible) and is shown as a `rich.text.Text` (`safe_text()`), never parsed as markup. No Textual here:
the CLI uses the same functions for what it prints on the user's terminal. The Rich-free half
(`visible`, `visible_line`, the patterns) is written in `tui.visible_text` and re-exported here.
"""

from __future__ import annotations

from rich.text import Text

from tui.visible_text import (
    BIDI_AND_INVISIBLE,
    UNSAFE,
    UNSAFE_ONE_LINE,
    control_picture,
    is_safe_line,
    strip_unsafe,
    unsafe_characters,
    visible,
    visible_line,
    without_unsafe,
)

__all__ = [
    "BIDI_AND_INVISIBLE", "UNSAFE", "UNSAFE_ONE_LINE", "counted", "is_safe_line", "safe_text", "sanitize_text",
    "strip_unsafe", "unsafe_characters", "visible", "visible_line", "without_unsafe",
]


def safe_text(value: object, style: str = "") -> Text:
    """A Rich Text of `visible(value)`: never parsed as markup, never a control sequence."""
    return Text(visible(value), style=style)


def sanitize_text(text: Text, *, one_line: bool = False) -> Text:
    """`text` (a Text assembled elsewhere from pieces) with every control character made visible
    (`one_line`: tab and newline too); the styles of the other characters are kept. Returns `text`
    itself when nothing is unsafe."""
    matches = list((UNSAFE_ONE_LINE if one_line else UNSAFE).finditer(text.plain))
    if not matches:
        return text
    cleaned = text.copy()
    for match in reversed(matches):
        start = match.start()
        head, tail = cleaned[:start], cleaned[start + 1:]
        head.append(control_picture(match), style=cleaned[start:start + 1].style or None)
        head.append_text(tail)
        cleaned = head
    return cleaned


def counted(count: int, noun: str, plural: str = "") -> str:
    """`1 pod`, `2 pods`, `0 pods` (`plural`: when not `noun` + "s", e.g. "copies")."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
