"""The committed description data of the demo's OpenAPI documents (tui/demo/api/k8s_descriptions.json)
is what tools/gen_k8s_descriptions.py produces from the installed kubernetes client now: it cannot
drift (re-run the script when the client or the served kinds change), and it ships as package data."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

from tui.demo.api import openapi

TOOL = Path(__file__).resolve().parents[2] / "tools" / "gen_k8s_descriptions.py"


def test_data_file_equals_the_generator_output() -> None:
    spec = importlib.util.spec_from_file_location("gen_k8s_descriptions", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = resources.files("tui.demo.api").joinpath("k8s_descriptions.json").read_text(encoding="utf-8")
    assert committed == module.render(), f"stale: .venv/bin/python {TOOL.relative_to(TOOL.parents[1])} > " \
                                         "tui/demo/api/k8s_descriptions.json"


def test_openapi_definitions_carry_the_descriptions() -> None:
    spec = openapi.v2_document()["definitions"]["io.k8s.api.core.v1.PodSpec"]
    assert spec["description"] == "PodSpec is a description of a pod."
    assert spec["properties"]["hostIPC"]["description"].startswith("Use the host's ipc namespace.")
    container = openapi.v3_document("v1")["components"]["schemas"]["io.k8s.api.core.v1.EphemeralContainer"]
    assert container["properties"]["workingDir"]["description"].startswith("Container's working directory.")
