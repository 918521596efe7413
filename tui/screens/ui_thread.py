"""Handing results from thread workers back to the UI thread, safely while the app closes."""

from __future__ import annotations

from typing import Any


def call_on_ui(app: Any, callback: Any, *args: Any, **kwargs: Any) -> bool:
    """`app.call_from_thread(callback, ...)`; False when the app is no longer running. An exception
    raised by `callback` is shown as an error notification instead of ending the worker (and the app)."""
    try:
        app.call_from_thread(callback, *args, **kwargs)
    except RuntimeError:
        return False  # the app is closing, or not running any more
    except Exception as exc:  # noqa: BLE001 - report it where the user looks
        try:
            app.call_from_thread(app.notify, f"{type(exc).__name__}: {exc}", severity="error")
        except Exception:  # noqa: BLE001
            pass
        return False
    return True
