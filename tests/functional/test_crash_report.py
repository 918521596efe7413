"""A crash's report on the terminal: readable (Rich's colours are colours, not ␛[31m written out by
the command line's sanitiser), without local variables (tokens, pod specs), with cluster text in
the exception made visible and credentials redacted."""

from __future__ import annotations

import io

import pytest

from helpers.browser import make_app, row_names, wait_for
from tui.cli_output import VisibleWriter
from tui.demo.cluster import DemoCluster


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_crash_report_is_readable_without_locals_or_raw_cluster_text(
        demo_cluster: DemoCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Tty()
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("sys.stderr", VisibleWriter(terminal))  # as `ephemera` runs (tui.cli_output.install)
    app = make_app(demo_cluster.kubeconfig_path)

    def crash() -> None:
        bearer_token = "s3cr3t-local-" + str(6 * 7)  # a local variable the report must not show
        raise RuntimeError("pod said " + chr(27) + "]52;c;aGk=" + chr(7) + " and Authorization: Bearer " + bearer_token[::-1])

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: row_names(app), what="rows")
            app.call_later(crash)
            await wait_for(pilot, lambda: app._exit_renderables or app._exception, what="the crash")
    out = terminal.getvalue()
    assert "RuntimeError" in out and "pod said" in out
    assert "␛[" not in out  # no colour code written out as text
    assert "s3cr3t-local-42" not in out  # no locals
    assert "24-lacol-t3rc3s" not in out  # redacted
    assert "\x1b]" not in out and "\x07" not in out  # the cluster's escape only visibly: ␛]52
    assert "␛]52;c;" in out
