"""Channel-3 exit statuses and channel-4 resize messages of the attach/exec protocol."""

from __future__ import annotations

import json

from tui.kube.stream_protocol import RESIZE, frame, parse_exit_status, resize_payload


def test_success_is_exit_code_zero() -> None:
    status = parse_exit_status(b'{"metadata":{},"status":"Success"}')
    assert status.exit_code == 0 and status.success


def test_non_zero_exit_code_from_the_causes() -> None:
    body = {
        "metadata": {},
        "status": "Failure",
        "message": "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": "3"}]},
    }
    status = parse_exit_status(json.dumps(body).encode())
    assert status.exit_code == 3
    assert status.message == "exited with code 3"


def test_other_failures_keep_their_message() -> None:
    body = {"status": "Failure", "message": 'exec: "bash": executable file not found in $PATH', "reason": "InternalError"}
    status = parse_exit_status(json.dumps(body))
    assert status.exit_code is None
    assert "executable file not found" in status.message


def test_garbage_status_does_not_raise() -> None:
    assert parse_exit_status(b"\xff\x00not json").exit_code is None


def test_resize_message_on_channel_4() -> None:
    assert json.loads(resize_payload(120, 40)) == {"Width": 120, "Height": 40}
    assert frame(RESIZE, resize_payload(80, 24)) == b'\x04{"Width":80,"Height":24}'
