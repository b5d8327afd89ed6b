"""reports/bench.json bookkeeping: figures, targets on ratio or value, replacement by name."""

import json

from bench import report


def test_a_ratio_target():
    fast = report.figure("x", "pages/s", 700, "trafilatura", 25, ">= 20")
    assert (fast["ratio"], fast["meets"]) == (28.0, True)
    assert report.figure("x", "pages/s", 300, "trafilatura", 25, ">= 20")["meets"] is False
    assert report.figure("x", "pages/s", 700, "trafilatura", 25, ">= 20", sound=False)["meets"] is False


def test_a_value_target():
    good = report.figure("r", "requests/new article", 1.18, "re-walk", 45.0, "value <= 1.2", target_on="value")
    bad = report.figure("r", "requests/new article", 1.3, "re-walk", 45.0, "value <= 1.2", target_on="value")
    assert (good["meets"], bad["meets"]) == (True, False)


def test_recording_replaces_figures_by_name_and_keeps_the_others(tmp_path):
    path = tmp_path / "bench.json"
    report.record([report.figure("a", "u", 1, "b", 1, ">= 1"), report.figure("b", "u", 1, "b", 1, ">= 1")], path)
    report.record([report.figure("a", "u", 3, "b", 1, ">= 1")], path)
    figures = json.loads(path.read_text())
    assert [(f["name"], f["value"]) for f in figures] == [("a", 3), ("b", 1)]
    assert set(figures[0]) == {"name", "unit", "value", "baseline", "baseline_value", "ratio", "target", "meets"}
