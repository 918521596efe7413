"""What Ephemera says about sessions left open when the user quits."""

from tui.left_running import OpenSession, exit_summary, quit_reasons


def test_attached_shells_are_listed_with_the_command_to_reattach() -> None:
    sessions = [OpenSession("prod", "api-1", "debugger-ab12c", "attach"), OpenSession("prod", "api-1", "app", "exec")]
    reasons = quit_reasons(sessions)
    assert reasons[0] == "2 sessions are open: prod/api-1/debugger-ab12c, prod/api-1/app"
    assert any("keep running in their containers" in r for r in reasons)
    assert any("Exec'd shells end with their connection" in r for r in reasons)
    summary = exit_summary(sessions, "prod-eu")
    assert "kubectl --context prod-eu attach -it -n prod api-1 -c debugger-ab12c" in summary
    assert "app" not in summary.split("debugger-ab12c", 1)[1]  # the exec'd shell ended: not listed


def test_nothing_to_say_when_only_exec_shells_were_open() -> None:
    assert exit_summary([OpenSession("ns", "p", "app", "exec")]) == ""
