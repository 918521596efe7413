"""`python -m tui`: the `ephemera` command (tui/cli.py)."""

from tui.cli import main

raise SystemExit(main())
