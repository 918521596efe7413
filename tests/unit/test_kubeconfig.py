"""Kubeconfig loading follows kubectl's rules: --kubeconfig, KUBECONFIG merging, ~/.kube/config, in-cluster."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from tui.kube.config import IN_CLUSTER_CONTEXT, KubeConfig
from tui.kube.errors import ClusterError, ErrorKind


def kubeconfig(
    path: Path,
    contexts: dict[str, dict[str, Any]],
    clusters: dict[str, str],
    users: dict[str, dict[str, Any]] | None = None,
    current: str | None = None,
) -> Path:
    """Write a kubeconfig: contexts name -> {cluster, user, namespace?}, clusters name -> server."""
    doc: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": n, "cluster": {"server": s}} for n, s in clusters.items()],
        "users": [{"name": n, "user": u} for n, u in (users or {}).items()],
        "contexts": [{"name": n, "context": c} for n, c in contexts.items()],
    }
    if current is not None:
        doc["current-context"] = current
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with an empty HOME and no KUBECONFIG or in-cluster variables."""
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home)}


def test_explicit_kubeconfig_uses_only_that_file(tmp_path: Path, env: dict[str, str]) -> None:
    a = kubeconfig(tmp_path / "a", {"a": {"cluster": "ca", "user": "ua"}}, {"ca": "https://a:6443"},
                   {"ua": {"token": "t"}}, current="a")
    b = kubeconfig(tmp_path / "b", {"b": {"cluster": "cb", "user": "ub"}}, {"cb": "https://b:6443"}, current="b")
    env["KUBECONFIG"] = str(b)
    kc = KubeConfig.load(a, environ=env)
    assert kc.context_names == ["a"]
    assert kc.current_context == "a"
    assert kc.context().server == "https://a:6443"


def test_kubeconfig_env_merges_first_file_wins(tmp_path: Path, env: dict[str, str]) -> None:
    first = kubeconfig(
        tmp_path / "first",
        {"shared": {"cluster": "c1", "user": "u1", "namespace": "from-first"}, "only-first": {"cluster": "c1", "user": "u1"}},
        {"c1": "https://first:6443"},
        {"u1": {"token": "one"}},
        current="shared",
    )
    second = kubeconfig(
        tmp_path / "second",
        {"shared": {"cluster": "c2", "user": "u2", "namespace": "from-second"}, "only-second": {"cluster": "c2", "user": "u2"}},
        {"c1": "https://overridden:6443", "c2": "https://second:6443"},
        {"u2": {"token": "two"}},
        current="only-second",
    )
    env["KUBECONFIG"] = os.pathsep.join([str(first), str(tmp_path / "missing"), str(second)])
    kc = KubeConfig.load(environ=env)
    assert sorted(kc.context_names) == ["only-first", "only-second", "shared"]
    assert kc.current_context == "shared"  # the first file that sets current-context wins
    shared = kc.context("shared")
    assert (shared.cluster, shared.namespace, shared.server) == ("c1", "from-first", "https://first:6443")
    assert kc.context("only-second").server == "https://second:6443"
    assert kc.paths == [first, second]


def test_current_context_from_a_later_file_when_the_first_sets_none(tmp_path: Path, env: dict[str, str]) -> None:
    first = kubeconfig(tmp_path / "first", {"x": {"cluster": "c", "user": "u"}}, {"c": "https://x"})
    second = kubeconfig(tmp_path / "second", {"y": {"cluster": "c", "user": "u"}}, {}, current="x")
    env["KUBECONFIG"] = os.pathsep.join([str(first), str(second)])
    assert KubeConfig.load(environ=env).current_context == "x"


def test_context_option_overrides_current_context(tmp_path: Path, env: dict[str, str]) -> None:
    path = kubeconfig(tmp_path / "k", {"a": {"cluster": "c", "user": "u"}, "b": {"cluster": "c", "user": "u", "namespace": "team"}},
                      {"c": "https://c"}, current="a")
    kc = KubeConfig.load(path, "b", environ=env)
    assert kc.current_context == "b"
    assert kc.default_namespace() == "team"
    assert kc.default_namespace("a") == "default"


def test_home_kube_config_is_the_default(tmp_path: Path, env: dict[str, str]) -> None:
    kube = Path(env["HOME"]) / ".kube"
    kube.mkdir()
    kubeconfig(kube / "config", {"home": {"cluster": "c", "user": "u"}}, {"c": "https://home"}, current="home")
    assert KubeConfig.load(environ=env).current_context == "home"


def test_unknown_context_lists_the_known_ones(tmp_path: Path, env: dict[str, str]) -> None:
    path = kubeconfig(tmp_path / "k", {"dev": {"cluster": "c", "user": "u"}, "prod": {"cluster": "c", "user": "u"}},
                      {"c": "https://c"}, current="dev")
    with pytest.raises(ClusterError) as err:
        KubeConfig.load(path, "staging", environ=env)
    assert err.value.kind == ErrorKind.UNKNOWN_CONTEXT
    assert err.value.hard
    assert str(err.value) == 'context "staging" does not exist in the kubeconfig; known contexts: dev, prod; pass one with --context'


def test_missing_explicit_file_is_a_hard_error(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(ClusterError) as err:
        KubeConfig.load(tmp_path / "nope", environ=env)
    assert err.value.hard
    assert "nope does not exist" in str(err.value)
    assert "\n" not in str(err.value)


def test_invalid_yaml_is_a_hard_error_naming_the_file(tmp_path: Path, env: dict[str, str]) -> None:
    bad = tmp_path / "bad"
    bad.write_text("clusters: [\n  - name: x\n  server: : :\n")
    with pytest.raises(ClusterError) as err:
        KubeConfig.load(bad, environ=env)
    assert err.value.kind == ErrorKind.BAD_CONFIG
    assert f"kubeconfig {bad} is not valid YAML" in str(err.value)
    assert "\n" not in str(err.value)


def test_no_kubeconfig_anywhere(env: dict[str, str]) -> None:
    with pytest.raises(ClusterError) as err:
        KubeConfig.load(environ=env)
    assert str(err.value) == (
        "no kubeconfig found: looked in $KUBECONFIG, ~/.kube/config and in-cluster; "
        "pass --kubeconfig or run ephemera --demo"
    )
    assert err.value.kind == ErrorKind.NO_KUBECONFIG


def test_empty_files_are_skipped_in_kubeconfig_env(tmp_path: Path, env: dict[str, str]) -> None:
    empty = tmp_path / "empty"
    empty.write_text("")
    real = kubeconfig(tmp_path / "real", {"r": {"cluster": "c", "user": "u"}}, {"c": "https://r"}, current="r")
    env["KUBECONFIG"] = os.pathsep.join([str(empty), str(real)])
    assert KubeConfig.load(environ=env).context_names == ["r"]


def service_account(tmp_path: Path, namespace: str | None = "tools") -> Path:
    sa = tmp_path / "serviceaccount"
    sa.mkdir()
    (sa / "token").write_text("sa-token")
    (sa / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    if namespace:
        (sa / "namespace").write_text(namespace)
    return sa


def test_in_cluster_fallback(tmp_path: Path, env: dict[str, str]) -> None:
    sa = service_account(tmp_path)
    env.update(KUBERNETES_SERVICE_HOST="10.96.0.1", KUBERNETES_SERVICE_PORT="443")
    kc = KubeConfig.load(environ=env, service_account_dir=sa)
    assert kc.current_context == IN_CLUSTER_CONTEXT
    info = kc.context()
    assert info.server == "https://10.96.0.1:443"
    assert kc.default_namespace() == "tools"
    conn = kc.connect()
    assert conn.server == "https://10.96.0.1:443"
    assert conn.namespace == "tools"
    assert conn.configuration.api_key["BearerToken"].endswith("sa-token")
    assert conn.configuration.ssl_ca_cert == str(sa / "ca.crt")


def test_in_cluster_needs_the_service_account_files(tmp_path: Path, env: dict[str, str]) -> None:
    env.update(KUBERNETES_SERVICE_HOST="10.96.0.1", KUBERNETES_SERVICE_PORT="443")
    with pytest.raises(ClusterError) as err:
        KubeConfig.load(environ=env, service_account_dir=tmp_path / "absent")
    assert err.value.kind == ErrorKind.NO_KUBECONFIG


def test_kubeconfig_wins_over_in_cluster(tmp_path: Path, env: dict[str, str]) -> None:
    sa = service_account(tmp_path)
    env.update(KUBERNETES_SERVICE_HOST="10.96.0.1", KUBERNETES_SERVICE_PORT="443")
    env["KUBECONFIG"] = str(kubeconfig(tmp_path / "k", {"k": {"cluster": "c", "user": "u"}}, {"c": "https://k"}, current="k"))
    assert KubeConfig.load(environ=env, service_account_dir=sa).current_context == "k"


def test_relative_certificate_paths_resolve_against_their_file(tmp_path: Path, env: dict[str, str]) -> None:
    sub = tmp_path / "dir"
    sub.mkdir()
    (sub / "ca.pem").write_text("ca")
    path = sub / "config"
    path.write_text(yaml.safe_dump({
        "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": "https://c:6443", "certificate-authority": "ca.pem"}}],
        "users": [{"name": "u", "user": {"token": "tok"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
    }))
    env["KUBECONFIG"] = str(path)
    conn = KubeConfig.load(environ=env).connect()
    assert conn.configuration.ssl_ca_cert == str(sub / "ca.pem")
    assert conn.configuration.api_key["BearerToken"] == "Bearer tok"


def test_one_api_client_per_context(tmp_path: Path, env: dict[str, str]) -> None:
    path = kubeconfig(tmp_path / "k", {"a": {"cluster": "c", "user": "u"}, "b": {"cluster": "c", "user": "u"}},
                      {"c": "https://c"}, {"u": {"token": "t"}}, current="a")
    kc = KubeConfig.load(path, environ=env)
    assert kc.connect() is kc.connect("a")
    assert kc.connect().api_client is kc.connect("a").api_client
    assert kc.connect("b").api_client is not kc.connect("a").api_client
    fresh = kc.connect().new_api_client()
    assert fresh is not kc.connect().api_client
    assert fresh.configuration.api_key == kc.connect().api_client.configuration.api_key


def test_context_without_its_cluster_fails_on_connect(tmp_path: Path, env: dict[str, str]) -> None:
    path = kubeconfig(tmp_path / "k", {"a": {"cluster": "ghost", "user": "u"}}, {}, current="a")
    kc = KubeConfig.load(path, environ=env)
    with pytest.raises(ClusterError) as err:
        kc.connect()
    assert "ghost" in str(err.value)
    assert err.value.hard


def test_cached_connection_is_the_one_connect_made_and_resolves_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    path = kubeconfig(tmp_path / "config", {"a": {"cluster": "c", "user": "u"}, "b": {"cluster": "c", "user": "u"}},
                      {"c": "https://c:6443"}, {"u": {"token": "t"}}, current="a")
    config = KubeConfig.load(kubeconfig=str(path), environ=env)
    assert config.cached_connection() is None  # nothing connected yet: nothing made here either
    assert config.cached_connection("a") is None
    connection = config.connect()
    assert config.cached_connection() is connection
    assert config.cached_connection("a") is connection
    assert config.cached_connection("b") is None
    assert config.cached_connection("no-such-context") is None
    config.close()
    assert config.cached_connection() is None
