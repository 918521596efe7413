"""What the tests share: building the app on a demo cluster and waiting on it (browser), the
debug form (debug_ui), session panes, attach sessions, raw HTTP to the demo server (demo_http),
exec streams, pod watches, hostile pods, the simulated runtime, pods for the planner, terminals
(a pty, tmux, the terminal widget alone) and the SVG snapshots' app.

Imported as `helpers.<module>` (pytest puts tests/ on sys.path: `pythonpath` in pyproject.toml);
shared fixtures live in the conftest.py files, and no test module imports another."""

WAIT_SECONDS = 30.0
"""How long a wait on a condition lasts before the test fails. Generous on purpose: the suite must
pass under load (`pytest -n 4` on 2 cores, beside other work); a passing test never waits it out,
and a shorter `timeout=` given by a test still wins."""
