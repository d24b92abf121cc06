"""The benchmark report (``benchmarks/harness``), rendered from made-up results.

The measurements themselves need minutes and are not tests; what turns their
numbers into RESULTS.md (tables, failed contenders, the targets' verdicts, the
GPU block that ``gpu.py`` writes and ``run.py`` keeps) is checked here.
"""

import importlib
import os

import pytest

BENCHMARKS = os.path.join(os.path.dirname(__file__), "..", "benchmarks")


@pytest.fixture
def harness(monkeypatch):
    monkeypatch.syspath_prepend(os.path.abspath(BENCHMARKS))
    modules = ("config", "report", "targets", "tables")
    return {name: importlib.import_module(f"harness.{name}") for name in modules}


def info():
    machine = {"platform": "Linux", "machine": "x86_64", "cpus": 2, "python": "3.11"}
    return {
        "machine": {**machine, "load": (1.0, 1.0, 1.0)},
        "versions": {"skdl": "0.1.0"},
        "backend": "tensorflow",
        "date": "2026-01-01",
        "load_end": None,
    }


def small_fits(skdl_s, keras_s):
    """Section (d) results: only skdl and raw Keras ran."""
    return {"skdl": {"fit_s": skdl_s}, "keras": {"fit_s": keras_s}}


def test_report_keeps_the_gpu_block(harness, tmp_path):
    report, config = harness["report"], harness["config"]
    path = tmp_path / "RESULTS.md"
    block = f"{report.GPU_BEGIN}\n\n## GPU figures\n\n| a | b |\n{report.GPU_END}"
    path.write_text("# an older report\n\nold numbers\n\n" + block + "\n")
    cfg = dict(config.QUICK, quick=True, sections=["d"])

    text = report.write_report(str(path), {"d": small_fits(0.1, 0.4)}, info(), cfg, 60.0)

    assert path.read_text() == text
    assert "old numbers" not in text
    assert "## (d) Fresh small fit" in text
    assert text.endswith("\n" + block + "\n")


def test_report_without_a_gpu_block_adds_none(harness, tmp_path):
    report, config = harness["report"], harness["config"]
    cfg = dict(config.QUICK, quick=True, sections=["d"])
    text = report.write_report(
        str(tmp_path / "new" / "RESULTS.md"), {"d": small_fits(0.1, 0.4)}, info(), cfg, 1.0
    )
    assert report.GPU_BEGIN not in text


@pytest.mark.parametrize("skdl_s, verdict", [(0.1, "met"), (0.3, "**not met**")])
def test_target_verdicts_follow_the_numbers(harness, skdl_s, verdict):
    rows = harness["targets"].target_rows({"d": small_fits(skdl_s, 0.4)})
    assert rows == [["fresh small fit ≤ 0.5× raw Keras", f"{skdl_s / 0.4:.2f}×", verdict]]


def test_a_target_without_its_numbers_is_not_judged(harness):
    rows = harness["targets"].target_rows({"d": {"skdl": {"error": "boom"}}})
    assert rows == [["fresh small fit ≤ 0.5× raw Keras", "n/a", "n/a"]]


def test_failed_contenders_get_an_error_row(harness):
    tables = harness["tables"]
    results = {"skdl": {"fit_s": 1.0}, "sklearn": {"error": "ImportError: no scikeras"}}
    text = tables.report_simple(results, ("skdl", "keras", "sklearn"), "fit_s")
    lines = text.splitlines()
    assert lines[0] == "| contender | time (s) | vs sklearn |"
    assert "| raw Keras | missing |  |" in lines
    assert "| scikit-learn MLP | error: ImportError: no scikeras |  |" in lines


def test_memory_without_rss_is_reported_not_raised(harness):
    results = {
        "skdl": {"start_mb": None, "end_mb": None},  # no /proc: RSS unknown
        "keras": {"start_mb": 100.0, "end_mb": 110.0},
    }
    text = harness["tables"].report_memory(results, {"memory_fits": 10}, ("skdl", "keras"))
    assert "| skdl | error: no RSS |" in text
    assert "| raw Keras | 100 | 110 | +10.0 | +1.00 |" in text
