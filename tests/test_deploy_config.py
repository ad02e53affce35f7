"""The hosted deployment's proxy settings: compose.yaml (what a school deploys) and bench/hosted.py
(the same topology on loopback, which the failover test and the benchmarks run) say the same
thing, and the chart script the proxy asks browsers to preload is this Streamlit's."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.hosted import haproxy_config, link_header
from rnn.ui.streamlit_private import chart_script_name

ROOT = Path(__file__).resolve().parents[1]


def compose_backend() -> list[str]:
    """compose.yaml's HAProxy ``backend app`` section: its setting lines, comments dropped."""
    text = (ROOT / "compose.yaml").read_text()
    cfg = text.split("content: |", 1)[1]
    section = cfg.split("backend app", 1)[1]
    lines = [re.sub(r"\s+#.*$", "", ln).strip() for ln in section.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def bench_backend(**kwargs) -> list[str]:
    cfg = haproxy_config(8080, [8501, 8502], **kwargs)
    section = cfg.split("backend app", 1)[1]
    return [ln.strip() for ln in section.splitlines() if ln.strip()]


def test_compose_preloads_the_chart_script_this_streamlit_serves():
    name = chart_script_name()
    assert name is not None, "this Streamlit has no PlotlyChart chunk: see streamlit_private"
    links = [ln for ln in compose_backend() if ln.startswith("http-response add-header Link")]
    assert links == [link_header(name).strip()], (
        "compose.yaml's Link header names another chart script than this Streamlit's "
        f"({name}): copy bench.hosted.link_header's line into compose.yaml")


def test_compose_and_the_loopback_topology_have_the_same_proxy_settings():
    def settings(lines):
        return [ln for ln in lines if not ln.startswith("server ")]

    assert settings(compose_backend()) == settings(bench_backend())
    # the servers differ only in their addresses (app1:8501 in compose, loopback ports here)
    names = lambda lines: [ln.split()[1] for ln in lines if ln.startswith("server ")]  # noqa: E731
    assert names(compose_backend()) == names(bench_backend()) == ["app1", "app2"]


@pytest.mark.parametrize("kwargs,missing", [({"compress": False}, "compression algo gzip"),
                                            ({"link": False}, "add-header Link")])
def test_the_benchmarks_can_leave_each_setting_out(kwargs, missing):
    assert any(missing in ln for ln in bench_backend())
    assert not any(missing in ln for ln in bench_backend(**kwargs))
