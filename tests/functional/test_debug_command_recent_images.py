"""`ephemera debug` remembers the image in the settings' recent images once the debug container
runs (as the debug form does), never an image that cannot be pulled; a settings file it cannot
write is a warning, not a failure. Every test's settings file is private (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.demo.cluster import DemoCluster
from tui.settings import load_settings

SLIM = "slim-79487d6484-h4rss"
WEB = "web-5d9c7b8f4-m4k8p"


def debug(cluster: DemoCluster, *words: str) -> int:
    return main(["--kubeconfig", str(cluster.kubeconfig_path), "debug", *words])


def test_the_image_of_a_running_debugger_goes_first_in_recent_images(
        demo_cluster: DemoCluster, private_config_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = private_config_home / "ephemera" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('recent_images = ["alpine:3.20"]\n')
    assert debug(demo_cluster, SLIM, "--target=app", "--image=busybox:1.36", "--no-attach") == 0
    assert "recent images" not in capsys.readouterr().err
    assert load_settings(config)[0].recent_images[:2] == ["busybox:1.36", "alpine:3.20"]


def test_an_image_that_cannot_be_pulled_is_not_remembered(demo_cluster: DemoCluster, private_config_home: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, WEB, "--copy-to=web-broken", "--image=example.com/doesnotexist:1",
                 "--no-attach") == 1
    config = private_config_home / "ephemera" / "config.toml"
    assert not config.exists() or "doesnotexist" not in config.read_text()


def test_the_config_option_names_the_file_that_remembers(demo_cluster: DemoCluster, tmp_path: Path,
                                                         private_config_home: Path) -> None:
    chosen = tmp_path / "chosen.toml"
    chosen.write_text("")
    assert main(["--config", str(chosen), "--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", SLIM,
                 "--image=nicolaka/netshoot", "--no-attach"]) == 0
    assert load_settings(chosen)[0].recent_images[0] == "nicolaka/netshoot"
    assert not (private_config_home / "ephemera" / "config.toml").exists()


def test_a_settings_file_it_cannot_write_is_a_warning(demo_cluster: DemoCluster, private_config_home: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    config = private_config_home / "ephemera" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("recent_images = [\n")  # a TOML syntax error: never overwritten
    assert debug(demo_cluster, SLIM, "--image=busybox", "--no-attach") == 0
    out, err = capsys.readouterr()
    assert " is running in pod default/" in out
    assert "recent images not saved:" in err and "TOML syntax error" in err
    assert config.read_text() == "recent_images = [\n"


def test_the_config_file_defaults_image_profile_and_pull_policy_and_its_problems_are_said(
        demo_cluster: DemoCluster, private_config_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --image/--profile/--image-pull-policy, `ephemera debug` uses config.toml's defaults
    as the debug form does; a problem of the file is one line on stderr (the rest still applies)."""
    import json

    config = private_config_home / "ephemera" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('default_image = "nicolaka/netshoot"\ndefault_profile = "netadmin"\ntheme = 3\n\n'
                      '[debug]\npull_policy = "Always"\n')
    assert debug(demo_cluster, SLIM, "--target=app", "--dry-run") == 0
    out, err = capsys.readouterr()
    assert "config:" in err and "theme" in err  # the bad key, named
    body = json.loads(out)[-1]["body"]
    container = body["spec"]["ephemeralContainers"][-1]
    assert container["image"] == "nicolaka/netshoot"
    assert container["imagePullPolicy"] == "Always"
    assert container["securityContext"]["capabilities"]["add"] == ["NET_ADMIN", "NET_RAW"]  # netadmin
