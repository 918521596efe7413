"""Ephemera: a terminal UI for debugging Kubernetes pods with ephemeral containers."""

# The one place the version is written: pyproject.toml reads it from here (hatch's version source),
# so `ephemera --version` needs no importlib.metadata lookup (~40 ms of a start, more under load).
__version__ = "0.1.0"
