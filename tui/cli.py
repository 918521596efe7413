"""The `ephemera` (and `kubectl-ephemera`) command line.

`ephemera [--kubeconfig PATH] [--context NAME] [-n NS | -A] [--demo] [--config PATH]` starts the TUI
(`--config`: Ephemera's settings file, passed on as `$EPHEMERA_CONFIG`); subcommands
live in `tui/commands/*_command.py` (see `tui.commands`).

Errors before the TUI starts:
* hard errors in the local configuration (no kubeconfig, unknown context, bad YAML/kubeconfig):
  one line on stderr, exit code 1;
* everything about the cluster itself (unreachable, TLS, 401, a failing credential plugin): the
  TUI starts anyway and shows the error in place, so the user can switch context or retry.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from tui import __version__, cli_output
from tui.commands import Subcommand, discover_subcommands
from tui.commands.cluster_options import add_cluster_options, load_kubeconfig_or_exit, program_name
from tui.kube.errors import ClusterError
from tui.paths import CONFIG_ENV
from tui.terminal_exit import Terminated, interrupt_exit_code, print_best_effort, signals_interrupt

__all__ = ["add_cluster_options", "build_parser", "load_kubeconfig_or_exit", "main", "program_name"]

TUI_EXAMPLES = [
    "ephemera --demo                      # try it on the embedded demo cluster",
    "ephemera                             # current context of $KUBECONFIG or ~/.kube/config",
    "ephemera --context prod -n payments  # another context and namespace",
    "ephemera -A                          # all namespaces",
    "kubectl ephemera                     # the same, as a kubectl plugin",
]


CONFIG_HELP = "Ephemera's settings file (default: $EPHEMERA_CONFIG, else ~/.config/ephemera/config.toml)"


def use_config_option(args: argparse.Namespace) -> None:
    """`--config PATH` becomes `$EPHEMERA_CONFIG` for this process (and the ones it starts), so
    every reader and writer of the settings (`tui.paths.config_path()`) uses that file."""
    from tui.paths import CONFIG_ENV

    path = getattr(args, "config", None)
    if path:
        config = Path(path).expanduser().absolute()
        os.environ[CONFIG_ENV] = str(config)
        if not config.exists():
            print(f"{program_name()}: --config {path}: no such file; using the defaults "
                  "(settings Ephemera saves, such as the theme and recent images, will create it)", file=sys.stderr)


def _examples(lines: list[str]) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines) if lines else ""


def build_parser(prog: str | None = None, subcommands: list[Subcommand] | None = None) -> argparse.ArgumentParser:
    prog = prog or program_name()
    parser = argparse.ArgumentParser(
        prog=prog,
        description="A keyboard-driven terminal UI for debugging Kubernetes pods with ephemeral containers.",
        epilog=_examples(TUI_EXAMPLES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ephemera {__version__}")
    add_cluster_options(parser)
    parser.add_argument("--demo", action="store_true",
                        help="start the embedded demo cluster in-process and browse it (ignores --kubeconfig)")
    parser.add_argument("--config", metavar="PATH", default=None, help=CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for command in subcommands if subcommands is not None else discover_subcommands():
        child = sub.add_parser(
            command.name,
            help=command.help,
            description=textwrap.fill(command.description or command.help, 88),
            epilog=_examples(command.examples),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if command.cluster_options:
            add_cluster_options(child, suppress_defaults=True, all_namespaces=command.all_namespaces)
        command.add_arguments(child)
        if "--config" not in child._option_string_actions:
            child.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=CONFIG_HELP)
        child.set_defaults(_subcommand=command)
    return parser


def demo_only_settings(directory: Path) -> dict[str, Any]:
    """`--demo` must not change the user's settings: they are read from the user's file (theme,
    keys, default image: the demo looks as the user set it up, and its problems name that file),
    and everything the app then remembers (theme, recent images) goes to a private copy in the
    demo's own directory, removed with it. The EphemeraApp keywords `settings` / `settings_problems`."""
    from tui.paths import config_path, write_private_file
    from tui.settings import MAX_CONFIG_BYTES, load_settings
    from tui.user_files import read_user_bytes

    settings, problems = load_settings()
    copy = directory / "config.toml"
    try:
        text = read_user_bytes(config_path(), what="config file", limit=MAX_CONFIG_BYTES)
    except OSError:
        text = b""
    write_private_file(copy, text)
    settings.path = copy
    return {"settings": settings, "settings_problems": problems}


def run_tui(args: argparse.Namespace) -> int:
    cluster: Any = None
    tmpdir: str | None = None
    demo_settings: dict[str, Any] = {}
    saved_config: str | None = None
    try:
        if args.demo:
            from tui.demo.cluster import DemoCluster

            cluster = DemoCluster()
            try:
                cluster.start()
            except OSError as exc:
                cluster = None
                print(f"{program_name()}: cannot start the demo cluster: {exc.strerror or exc}", file=sys.stderr)
                return 1
            tmpdir = tempfile.mkdtemp(prefix="ephemera-demo-")  # mode 0700
            args.kubeconfig = str(cluster.write_kubeconfig(Path(tmpdir) / "kubeconfig"))  # mode 0600
        kubeconfig = load_kubeconfig_or_exit(args)
        try:
            # Resolve credentials now, on the normal terminal: exec plugins may prompt or open a browser.
            kubeconfig.connect(args.context)
        except ClusterError as exc:
            if exc.hard:
                print(f"{program_name()}: {exc}", file=sys.stderr)
                return 1
            # Cluster-side problems (unreachable, TLS, 401, plugin failure): the TUI shows them in place.
        kubeconfig.interactive = False  # from here on the TUI owns the terminal
        from tui.app import EphemeraApp

        # The app loads the settings: a bad file never stops the TUI, each problem is a notification.
        if tmpdir is not None:
            demo_settings = demo_only_settings(Path(tmpdir))
            saved_config = os.environ.get(CONFIG_ENV)
            os.environ[CONFIG_ENV] = str(demo_settings["settings"].path)  # every writer: the demo's copy
        app = EphemeraApp(
            kubeconfig,
            context=args.context,
            namespace=args.namespace,
            all_namespaces=bool(args.all_namespaces),
            demo=bool(args.demo),
            **demo_settings,
        )
        try:
            # q, Ctrl+C outside a pane, SIGTERM, SIGHUP: the app quits, the terminal restored. A signal
            # in its first moments (before it takes them over) unwinds through Textual's driver.
            with signals_interrupt():
                app.run()
        except Terminated as stop:
            return interrupt_exit_code(stop)
        finally:
            kubeconfig.close()
        summary = app.exit_summary()
        if summary:
            print_best_effort(summary)  # after a SIGHUP the terminal may be gone
        return int(getattr(app, "return_code", 0) or 0)
    finally:
        if cluster is not None:
            cluster.stop()
        if demo_settings:  # the user's own settings file again for what runs after (tests, in-process)
            if saved_config is None:
                os.environ.pop(CONFIG_ENV, None)
            else:
                os.environ[CONFIG_ENV] = saved_config
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    cli_output.install()  # every line printed on the user's terminal: control characters made visible
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Subcommand | None = getattr(args, "_subcommand", None)
    use_config_option(args)
    try:
        if command is not None:
            return int(command.run(args) or 0)
        return run_tui(args)
    except KeyboardInterrupt:  # Ctrl+C outside the TUI: no traceback (subcommands say what stays)
        print_best_effort(f"\n{program_name()}: interrupted")
        return 130
    except ClusterError as exc:
        print(f"{program_name()}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
