"""The one error planning raises."""

from __future__ import annotations


class PlanError(ValueError):
    """The request cannot be planned; the message says why and what to do."""
