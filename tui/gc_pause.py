"""The cyclic garbage collector paused while Ephemera starts (issue 15: start-up).

Importing the TUI (~900 modules) and decoding the first pods allocate hundreds of thousands of
objects and free almost none: the collector ran ~170 times during the imports alone (~50 ms of
CPU) and ~450 times, three of them full collections, before the first rows of 1,000 pods were on
screen (0.2-0.3 s of a ~1.1 s start). None of it is garbage worth finding, so `tui.cli.main` pauses
the collector before it imports anything but `--version`'s answer, and it is resumed:

* for a subcommand, once its arguments are parsed (`tui.commands.parser.run`);
* for the TUI, once the pod browser has listed and painted its first rows, or `RESUME_AFTER_SECONDS`
  after the app is mounted, whichever comes first (`EphemeraApp`);
* in any case when `main` returns (tests call it in-process).

Resuming does not freeze what is alive: when the first rows are painted about 10,000 of the ~100,000
objects tracked are already garbage in cycles (Textual's caches of the footer's rebuilt keys, ~1 MB),
which `gc.freeze` would keep for the life of the process; the first collections after the resume
find them (`tui.pods.store.exclude_loaded_pods_from_gc` freezes the pods once every pod is listed).
Only a pause made here is undone here: an interpreter whose collector was already off (a caller's
choice) is left so.
"""

from __future__ import annotations

import gc

__all__ = ["RESUME_AFTER_SECONDS", "pause_collections", "paused", "resume_collections"]

RESUME_AFTER_SECONDS = 3.0  # the TUI's latest resume after mounting, rows or not (an unreachable cluster)

_paused = False


def pause_collections() -> None:
    """Stop the cyclic collector (nothing when it is off already)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def paused() -> bool:
    """The collector is paused by `pause_collections` and not yet resumed."""
    return _paused


def resume_collections() -> None:
    """Undo `pause_collections` (nothing otherwise)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
