"""The equivalent kubectl debug command line, parsed and rebuilt."""

from __future__ import annotations

import argparse
import shlex

import pytest

from helpers.debug_pods import slim_pod
from tui.debug import CopyOptions, DebugRequest, KeepFlags, Mode, PlanError, Profile, plan
from tui.debug.kubectl_command import (
    add_kubectl_debug_arguments,
    normalize_bool_flags,
    parse_kubectl_debug,
    request_from_arguments,
)

ROUND_TRIPS = [
    "kubectl debug slim-x -it --image=busybox --target=app --profile=general -c debugger",
    "kubectl debug slim-x -i --image=nicolaka/netshoot --profile=netadmin -c net --env=A=1 "
    "--env=B=x=y --image-pull-policy=Always -- sleep 1d",
    "kubectl debug slim-x -it --image=busybox --copy-to=slim-copy --profile=restricted -c dbg "
    "--same-node --set-image=app=python:3.12 --keep-labels --keep-startup "
    "--keep-init-containers=false --share-processes --replace",
    "kubectl debug slim-x --image=busybox --profile=legacy -c dbg --arguments-only -- -c ps",
]


@pytest.mark.parametrize("line", ROUND_TRIPS)
def test_kubectl_line_round_trips_through_the_plan(line: str) -> None:
    parsed = parse_kubectl_debug(shlex.split(line))
    result = plan(parsed.request, slim_pod(), include_namespace=False)
    assert result.kubectl_command_text == line


def test_parsed_request_fields() -> None:
    parsed = parse_kubectl_debug(shlex.split(ROUND_TRIPS[0]), namespace="web")
    assert parsed.request == DebugRequest(
        namespace="web", pod="slim-x", mode=Mode.TARGET, image="busybox", container_name="debugger",
        profile=Profile.GENERAL, target="app", stdin=True, tty=True,
    )
    copy_request = parse_kubectl_debug(shlex.split(ROUND_TRIPS[2])).request
    assert copy_request.mode is Mode.COPY
    assert copy_request.copy == CopyOptions(
        name="slim-copy", same_node=True, set_images={"app": "python:3.12"},
        keep=KeepFlags(labels=True, startup=True, init_containers=False), replace=True,
    )


def test_namespace_flag_custom_file_attach_and_quiet() -> None:
    parsed = parse_kubectl_debug(["kubectl", "debug", "-n", "prod", "pod/api", "--image=busybox",
                                  "--custom=c.yaml", "--attach=false", "-q"])
    assert parsed.request.namespace == "prod" and parsed.request.pod == "api"
    assert parsed.explicit_namespace and parsed.custom_file == "c.yaml"
    assert parsed.attach is False and parsed.quiet


def test_plan_command_includes_namespace_and_generated_name() -> None:
    request = DebugRequest(namespace="default", pod="slim-x")
    result = plan(request, slim_pod())
    assert result.kubectl_command[:5] == ["kubectl", "debug", "slim-x", "-n", "default"]
    assert result.kubectl_command[-2:] == ["-c", result.container_name]


def test_env_values_with_commas_survive_pflags_csv() -> None:
    request = DebugRequest(namespace="default", pod="slim-x", container_name="d",
                           env=(("LIST", "a,b"), ("EXPR", "x=1,y=2")))
    argv = plan(request, slim_pod()).kubectl_command
    assert "--env=LIST=a,b" in argv and '--env="EXPR=x=1,y=2"' in argv
    assert parse_kubectl_debug(argv).request.env == request.env


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("kubectl debug p", "you must specify --image when not using --copy-to."),
        ("kubectl debug p --image=b --replace", "--replace may only be used with --copy-to."),
        ("kubectl debug p --image=b --same-node", "--same-node may only be used with --copy-to."),
        ("kubectl debug p --image=b --set-image=a=b", "--set-image may only be used with --copy-to."),
        ("kubectl debug p --image=b -t", "-i/--stdin is required for containers with -t/--tty=true"),
        ("kubectl debug p --copy-to=c --image=b --target=a",
         "--target is incompatible with --copy-to. Use --share-processes instead."),
        ("kubectl debug p --copy-to=c", "you must specify --image, --set-image or command arguments."),
        ("kubectl debug p --image=b --image-pull-policy=Sometimes", "invalid image pull policy: Sometimes"),
    ],
)
def test_kubectls_flag_errors(line: str, message: str) -> None:
    with pytest.raises(PlanError) as error:
        parse_kubectl_debug(shlex.split(line))
    assert str(error.value) == message


def test_unknown_profile_is_an_error() -> None:
    with pytest.raises(PlanError, match="invalid choice"):
        parse_kubectl_debug(shlex.split("kubectl debug p --image=b --profile=root"))


def test_flags_can_be_added_to_another_parser() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pod")
    parser.add_argument("--mount", action="append", default=[])
    add_kubectl_debug_arguments(parser)
    args = parser.parse_args(normalize_bool_flags(
        ["api", "-it", "--image=busybox", "--mount", "data:/data", "--keep-init-containers=false"]))
    request = request_from_arguments(args, pod=args.pod, namespace="default")
    assert request.stdin and request.tty and args.mount == ["data:/data"]
    assert request.copy.keep.init_containers is False
    assert request.profile is Profile.GENERAL


def test_default_image_for_ephemera_debug() -> None:
    parsed = parse_kubectl_debug(["debug", "api", "-it"], default_image="busybox")
    assert parsed.request.image == "busybox"


def test_every_kubectl_flag_is_explained_in_the_help_and_no_attach_is_listed() -> None:
    import argparse

    from tui.debug.kubectl_command import add_kubectl_debug_arguments

    parser = argparse.ArgumentParser(prog="ephemera debug")
    add_kubectl_debug_arguments(parser)
    text = parser.format_help()
    assert "--no-attach" in text and "--custom FILE" in text
    for action in parser._actions:
        if action.option_strings and action.dest != "help" and action.help != argparse.SUPPRESS:
            assert action.help, f"{action.option_strings} has no help"
