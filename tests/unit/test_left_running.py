"""What Ephemera says about sessions left open when the user quits."""

from tui.left_running import OpenSession, exit_summary, quit_reasons


def test_attached_shells_are_listed_with_the_command_to_reattach() -> None:
    sessions = [OpenSession("prod", "api-1", "debugger-ab12c", "attach"), OpenSession("prod", "api-1", "app", "exec")]
    reasons = quit_reasons(sessions)
    assert reasons[0] == "2 sessions are open: prod/api-1/debugger-ab12c, prod/api-1/app"
    assert any("keep running in their containers" in r for r in reasons)
    assert any("Exec'd shells end with their connection" in r for r in reasons)
    summary = exit_summary(sessions, ["--context", "prod-eu"])
    assert "kubectl attach -it -n prod api-1 -c debugger-ab12c --context prod-eu" in summary
    assert "app" not in summary.split("debugger-ab12c", 1)[1]  # the exec'd shell ended: not listed


def test_nothing_to_say_when_only_exec_shells_were_open() -> None:
    assert exit_summary([OpenSession("ns", "p", "app", "exec")]) == ""


def test_interrupted_while_sending_says_the_container_may_have_been_added() -> None:
    from tui.left_running import debug_leftovers

    lines = debug_leftovers("prod", "api-1", "debugger-ab12c", copy=False, certain=False)
    assert lines[0].startswith("the ephemeral container debugger-ab12c may have been added to pod prod/api-1")
    assert "kubectl get pod api-1 -n prod -o 'jsonpath={.spec.ephemeralContainers[*].name}'" in lines[0]
    assert "kubectl attach -it api-1 -c debugger-ab12c -n prod" in lines[1]


def test_interrupted_copy_with_replace_names_the_original_and_how_to_remove_the_copy() -> None:
    from tui.left_running import debug_leftovers

    lines = debug_leftovers("prod", "api-1-debug", "", copy=True, certain=False, original_deleted="api-1")
    assert lines == [
        "the pod copy api-1-debug may have been created in namespace prod (check: kubectl get pod api-1-debug -n prod)",
        "the original pod api-1 may have been deleted (--replace)",
        "  remove it: ephemera cleanup -n prod (or kubectl delete pod api-1-debug -n prod)",
    ]


def test_names_from_the_command_line_are_shown_not_obeyed() -> None:
    from tui.left_running import debug_leftovers

    (first, *_rest) = debug_leftovers("ns", "p\x1b]0;pwned\x07", "c", copy=False)
    assert "\x1b" not in first and "\x07" not in first and "␛" in first
