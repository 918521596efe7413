"""The equivalent `kubectl debug` command line, both ways.

- `build_kubectl_command(request, ...)` -> argv such as
  `kubectl debug slim-x -n default -it --image=busybox --target=app --profile=general -c debugger`
  (always `--profile`, since kubectl before 1.36 defaults to `legacy`; always `--share-processes`
  for copies, since Ephemera's copies always share the process namespace). `shlex.join(argv)`
  is the display form. Flags kubectl lacks (security overrides, mounts) travel in a
  `--custom=FILE` whose JSON the plan shows (`DebugPlan.kubectl_custom_json`).
- `add_kubectl_debug_arguments(parser)` adds kubectl debug's flags, spelled as kubectl spells
  them, to an argparse parser (for `ephemera debug`), and `request_from_arguments(ns, ...)`
  turns the parsed namespace into a `DebugRequest`;
- `parse_kubectl_debug(argv)` does both for a whole `kubectl debug ...` line.
"""

from __future__ import annotations

import argparse
import csv
import io
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

from tui.debug.errors import PlanError
from tui.debug.request import (
    PULL_POLICIES,
    CopyOptions,
    DebugRequest,
    KeepFlags,
    Mode,
    Profile,
)

CUSTOM_FILE = "ephemera-custom.json"


def _pair_flag(flag: str, key: str, value: str) -> str:
    """`--env=K=V` / `--set-image=C=IMG` in the form pflag's StringToString reads back.

    pflag takes a value with one `=` whole, and splits a value with several `=` as one CSV
    record: quote it then, when it holds a comma or a quote.
    """
    pair = f"{key}={value}"
    if pair.count("=") > 1 and ("," in pair or '"' in pair):
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="").writerow([pair])
        pair = buffer.getvalue()
    return f"{flag}={pair}"


def build_kubectl_command(
    request: DebugRequest,
    *,
    container_name: str | None,
    copy_name: str | None = None,
    custom_file: str | None = None,
    command: Sequence[str] | None = None,
    include_namespace: bool = True,
    kubectl: str = "kubectl",
) -> list[str]:
    """argv of the `kubectl debug` equivalent to `request`.

    `container_name`: the name the plan settled on (passed as `-c`, so kubectl builds the same
    container); `copy_name`: the copy's name; `custom_file`: path for `--custom`, when the plan
    needs one; `command`: the command after `--` (default: `request.command`).
    """
    argv = [kubectl, "debug", request.pod]
    if include_namespace:
        argv += ["-n", request.namespace]
    if request.stdin and request.tty:
        argv.append("-it")
    elif request.stdin:
        argv.append("-i")
    elif request.tty:
        argv.append("-t")
    if request.image:
        argv.append(f"--image={request.image}")
    if request.mode is Mode.TARGET and request.target:
        argv.append(f"--target={request.target}")
    if request.mode is Mode.COPY:
        argv.append(f"--copy-to={copy_name or request.copy.name}")
    argv.append(f"--profile={Profile(request.profile).value}")
    if container_name:
        argv += ["-c", container_name]
    for key, value in request.env:
        argv.append(_pair_flag("--env", key, value))
    if request.image_pull_policy:
        argv.append(f"--image-pull-policy={request.image_pull_policy}")
    if request.mode is Mode.COPY:
        options = request.copy
        if options.same_node:
            argv.append("--same-node")
        for name, image in options.set_images.items():
            argv.append(_pair_flag("--set-image", name, image))
        keep = options.keep
        for flag, kept in (
            ("--keep-labels", keep.labels),
            ("--keep-annotations", keep.annotations),
            ("--keep-liveness", keep.liveness),
            ("--keep-readiness", keep.readiness),
            ("--keep-startup", keep.startup),
        ):
            if kept:
                argv.append(flag)
        if not keep.init_containers:
            argv.append("--keep-init-containers=false")
        argv.append("--share-processes")
        if options.replace:
            argv.append("--replace")
    if custom_file:
        argv.append(f"--custom={custom_file}")
    words = list(request.command if command is None else command)
    if words:
        if request.args_only and command is None:
            argv.append("--arguments-only")
        argv += ["--", *words]
    return argv


def kubectl_command_text(argv: Sequence[str]) -> str:
    """The argv quoted for a POSIX shell."""
    return shlex.join(argv)


class _RaisingParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise PlanError(message)


def _bool_value(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "1", "t", "yes"):
        return True
    if lowered in ("false", "0", "f", "no"):
        return False
    raise argparse.ArgumentTypeError(f"invalid boolean {text!r}")


def _pairs(text: str) -> list[tuple[str, str]]:
    """pflag StringToString: `k=v` whole, or a CSV record of `k=v` when there are several `=`."""
    if text.count("=") == 0:
        raise argparse.ArgumentTypeError(f"{text} must be formatted as key=value")
    items = [text.strip('"')] if text.count("=") == 1 else next(csv.reader([text]))
    pairs = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"{item} must be formatted as key=value")
        pairs.append((key, value))
    return pairs


BOOL_FLAGS: dict[str, bool | None] = {
    "attach": None,  # kubectl: true when -i is given
    # kubectl's boolean flags (pflag style: `--flag` or `--flag=false`) and their defaults
    "replace": False,
    "same-node": False,
    "share-processes": True,
    "keep-labels": False,
    "keep-annotations": False,
    "keep-liveness": False,
    "keep-readiness": False,
    "keep-startup": False,
    "keep-init-containers": True,
    "stdin": False,
    "tty": False,
    "quiet": False,
    "arguments-only": False,
}


def normalize_bool_flags(words: Sequence[str]) -> list[str]:
    """Rewrite pflag's `--flag=false` as `--no-flag` (and `--flag=true` as `--flag`) for argparse."""
    result = []
    for word in words:
        name, sep, value = word[2:].partition("=")
        if word.startswith("--") and sep and name in BOOL_FLAGS:
            result.append(f"--{name}" if _bool_value(value) else f"--no-{name}")
        else:
            result.append(word)
    return result


_BOOL_HELP: dict[str, str] = {
    "attach": "wait for the container and attach to it (default: when interactive: -i, or no command)",
    "replace": "with --copy-to: delete the original pod afterwards (asks first)",
    "same-node": "with --copy-to: schedule the copy on the original's node",
    "share-processes": "with --copy-to: one PID namespace for the copy (always on in Ephemera)",
    "keep-labels": "with --copy-to: keep the original's labels (the profile drops them)",
    "keep-annotations": "with --copy-to: keep the original's annotations",
    "keep-liveness": "with --copy-to: keep the liveness probes",
    "keep-readiness": "with --copy-to: keep the readiness probes",
    "keep-startup": "with --copy-to: keep the startup probes",
    "keep-init-containers": "with --copy-to: keep the init containers (default: true)",
    "stdin": "keep stdin open (-it: an interactive shell)",
    "tty": "allocate a TTY (needs -i)",
    "quiet": "only the session's own output, no informational messages",
    "arguments-only": "the words after -- are the container's args, not its command",
}


def add_kubectl_debug_arguments(parser: argparse.ArgumentParser) -> None:
    """kubectl debug's flags for pods, with kubectl's names (feed argv through
    `normalize_bool_flags` first so `--keep-init-containers=false` works)."""
    group = parser.add_argument_group("kubectl debug's flags (same spellings; `--flag=false` works too)")
    flag = group.add_argument
    flag("-c", "--container", dest="container", metavar="NAME",
         help="the debug container's name (default: debugger-xxxxx); with --copy-to, an existing one to change")
    flag("--image", dest="image", help="the debug container's image (default: default_image of the config file, else busybox)")
    flag("--image-pull-policy", dest="image_pull_policy", metavar="POLICY", help="Always, IfNotPresent or Never")
    flag("--env", dest="env", action="append", type=_pairs, default=[], metavar="K=V",
         help="an environment variable of the debug container (repeatable)")
    flag("--target", dest="target", metavar="CONTAINER",
         help="share this container's PID namespace (see its processes)")
    flag("--copy-to", dest="copy_to", metavar="NAME",
         help="debug a copy of the pod named NAME, sharing one PID namespace")
    flag("--set-image", dest="set_image", action="append", type=_pairs, default=[], metavar="C=IMG",
         help="with --copy-to: change a container's image (*=IMG: every container)")
    flag("--profile", dest="profile", choices=[p.value for p in Profile],
         help="security profile of the debug container (default: general)")
    flag("--custom", dest="custom", metavar="FILE",
         help="a partial container spec (JSON or YAML, - for stdin) merged last")
    shorts = {"stdin": "-i", "tty": "-t", "quiet": "-q"}
    for name, default in BOOL_FLAGS.items():
        dest = name.replace("-", "_")
        names = [shorts[name]] if name in shorts else []
        flag(*names, f"--{name}", dest=dest, action="store_const", const=True, default=default,
             help=_BOOL_HELP.get(name))
        flag(f"--no-{name}", dest=dest, action="store_const", const=False,
             help="create, wait until it runs, print how to attach (= --attach=false)" if name == "attach"
             else argparse.SUPPRESS)


def request_from_arguments(
    args: argparse.Namespace,
    *,
    pod: str,
    namespace: str,
    command: Sequence[str] = (),
    default_image: str | None = None,
    default_profile: Profile = Profile.GENERAL,
) -> DebugRequest:
    """A DebugRequest from flags parsed by `add_kubectl_debug_arguments`, checked as kubectl does."""
    env = tuple(pair for group in args.env for pair in group)
    set_images = {name: image for group in args.set_image for name, image in group}
    image = args.image or (None if args.copy_to else default_image)
    if args.copy_to:
        if not image and not set_images and not command:
            raise PlanError("you must specify --image, --set-image or command arguments.")
        if command and not args.container and not image:
            raise PlanError("you must specify an existing container or a new image when specifying args.")
        if args.target:
            raise PlanError("--target is incompatible with --copy-to. Use --share-processes instead.")
        if args.share_processes is False:
            raise PlanError("Ephemera's copies always share the process namespace: drop --share-processes=false")
    else:
        if args.replace:
            raise PlanError("--replace may only be used with --copy-to.")
        if args.same_node:
            raise PlanError("--same-node may only be used with --copy-to.")
        if set_images:
            raise PlanError("--set-image may only be used with --copy-to.")
        if not image:
            raise PlanError("you must specify --image when not using --copy-to.")
    if args.image_pull_policy and args.image_pull_policy not in PULL_POLICIES:
        raise PlanError(f"invalid image pull policy: {args.image_pull_policy}")
    if args.tty and not args.stdin:
        raise PlanError("-i/--stdin is required for containers with -t/--tty=true")
    mode = Mode.COPY if args.copy_to else Mode.TARGET if args.target else Mode.SHARED_NETWORK
    keep = KeepFlags(
        labels=args.keep_labels,
        annotations=args.keep_annotations,
        liveness=args.keep_liveness,
        readiness=args.keep_readiness,
        startup=args.keep_startup,
        init_containers=args.keep_init_containers,
    )
    return DebugRequest(
        namespace=namespace,
        pod=pod,
        mode=mode,
        image=image,
        container_name=args.container or None,
        profile=Profile(args.profile) if args.profile else default_profile,
        command=tuple(command),
        args_only=args.arguments_only,
        env=env,
        image_pull_policy=args.image_pull_policy or None,
        target=args.target or None,
        stdin=args.stdin,
        tty=args.tty,
        copy=CopyOptions(
            name=args.copy_to or None,
            same_node=args.same_node,
            set_images=set_images,
            keep=keep,
            replace=args.replace,
        ),
    )


@dataclass
class ParsedKubectlDebug:
    """A parsed `kubectl debug` line. `custom_file` is for the caller to read (no I/O here)."""

    request: DebugRequest
    custom_file: str | None = None
    attach: bool | None = None
    quiet: bool = False
    explicit_namespace: bool = False
    extra: list[str] = field(default_factory=list)


def parse_kubectl_debug(
    argv: Sequence[str],
    *,
    namespace: str = "default",
    default_image: str | None = None,
    default_profile: Profile = Profile.GENERAL,
) -> ParsedKubectlDebug:
    """Parse `[kubectl] debug POD [flags] [-- COMMAND ...]` (a leading `kubectl`/`debug` is skipped)."""
    words = list(argv)
    command: list[str] = []
    if "--" in words:
        cut = words.index("--")
        words, command = words[:cut], words[cut + 1 :]
    if words and words[0].rsplit("/", 1)[-1] == "kubectl":
        words = words[1:]
    if words and words[0] == "debug":
        words = words[1:]
    parser = _RaisingParser(prog="kubectl debug", add_help=False, allow_abbrev=False)
    parser.add_argument("-n", "--namespace", dest="namespace")
    add_kubectl_debug_arguments(parser)
    parser.add_argument("names", nargs="*")
    args = parser.parse_intermixed_args(normalize_bool_flags(words))
    if len(args.names) != 1:
        raise PlanError("exactly one pod name is expected")
    pod = args.names[0]
    if pod.startswith(("pod/", "pods/")):
        pod = pod.split("/", 1)[1]
    request = request_from_arguments(
        args,
        pod=pod,
        namespace=args.namespace or namespace,
        command=command,
        default_image=default_image,
        default_profile=default_profile,
    )
    return ParsedKubectlDebug(
        request=request,
        custom_file=args.custom,
        attach=args.attach,
        quiet=args.quiet,
        explicit_namespace=args.namespace is not None,
    )
