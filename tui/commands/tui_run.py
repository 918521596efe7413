"""`ephemera` without a subcommand: the TUI (`run(args)`), on the cluster of the cluster options or
on the embedded demo cluster (`--demo`). `tui.cli` calls it through `lazy_run`, like the
subcommands' implementations: the app and the kubernetes client are imported only when the TUI
starts, never for `ephemera --help`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from tui.app import EphemeraApp
from tui.commands.cluster_access import cluster_errors_exit, load_kubeconfig_or_exit
from tui.commands.cluster_options import program_name
from tui.kube.errors import ClusterError
from tui.paths import CONFIG_ENV, config_path, write_private_file
from tui.settings import MAX_CONFIG_BYTES, load_settings
from tui.terminal_exit import Terminated, interrupt_exit_code, print_best_effort, signals_interrupt
from tui.user_files import read_user_bytes

__all__ = ["demo_only_settings", "run"]


def demo_only_settings(directory: Path) -> dict[str, Any]:
    """`--demo` must not change the user's settings: they are read from the user's file (theme,
    keys, default image: the demo looks as the user set it up, and its problems name that file),
    and everything the app then remembers (theme, recent images) goes to a private copy in the
    demo's own directory, removed with it. The EphemeraApp keywords `settings` / `settings_problems`."""
    settings, problems = load_settings()
    copy = directory / "config.toml"
    try:
        text = read_user_bytes(config_path(), what="config file", limit=MAX_CONFIG_BYTES)
    except OSError:
        text = b""
    write_private_file(copy, text)
    settings.path = copy
    return {"settings": settings, "settings_problems": problems}


@cluster_errors_exit
def run(args: argparse.Namespace) -> int:
    cluster: Any = None
    tmpdir: str | None = None
    demo_settings: dict[str, Any] = {}
    saved_config: str | None = None
    try:
        if args.demo:
            # Only for --demo: the demo cluster (an aiohttp API server, the simulated node) is not
            # loaded to browse a real cluster.
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
