"""What the quit confirmation and summary say of a pod copy's debugger (a regular container, which
stays with its copy until the copy is deleted), beside ephemeral ones (issue 12, item 3)."""

from tui.left_running import OpenSession, exit_summary, quit_reasons

EPHEMERAL = OpenSession("prod", "api-1", "debugger-ab12c", "attach")
COPY = OpenSession("prod", "api-1-debug", "debugger", "attach", ephemeral=False, copy_of="prod/api-1")


def test_a_copys_debugger_is_not_called_unremovable() -> None:
    reasons = quit_reasons([COPY])
    assert not any("cannot be removed" in r for r in reasons)
    assert any("a copy stays until it is deleted (C in the browser, or ephemera cleanup)" in r for r in reasons)
    summary = exit_summary([COPY], ["--context", "prod-eu"])
    assert summary.splitlines() == [
        "ephemera: still running in the cluster:",
        "  prod/api-1-debug/debugger  re-attach: kubectl attach -it -n prod api-1-debug -c debugger --context prod-eu",
        "    in the pod copy api-1-debug (of prod/api-1), which stays until it is deleted: C in ephemera, or "
        "ephemera cleanup -n prod --context prod-eu (or kubectl delete pod api-1-debug -n prod --context prod-eu)",
    ]


def test_ephemeral_and_copy_sessions_each_say_what_is_true_of_them() -> None:
    reasons = quit_reasons([EPHEMERAL, COPY])
    assert any("ephemeral containers cannot be removed" in r for r in reasons)
    assert any("pod copies keep running" in r for r in reasons)
    lines = exit_summary([EPHEMERAL, COPY]).splitlines()
    assert lines[0] == "ephemera: still running in the cluster:"
    assert lines[1].startswith("  prod/api-1/debugger-ab12c  re-attach:")
    assert lines[2] == "    an ephemeral container: it cannot be removed"
    assert lines[3].startswith("  prod/api-1-debug/debugger  re-attach:")
    assert "stays until it is deleted" in lines[4]


def test_only_ephemeral_sessions_keep_the_one_line_header() -> None:
    assert exit_summary([EPHEMERAL]).splitlines()[0] == (
        "ephemera: still running in the cluster (ephemeral containers cannot be removed):")


def test_a_regular_container_that_is_no_copy_names_no_cleanup() -> None:
    plain = OpenSession("ns", "runner", "main", "attach", ephemeral=False)
    assert any("regular containers keep running" in r for r in quit_reasons([plain]))
    summary = exit_summary([plain])
    assert "cleanup" not in summary and "cannot be removed" not in summary
