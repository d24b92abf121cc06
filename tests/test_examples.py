"""Every script in examples/ runs (in quick mode: few epochs), so none rots."""

import pathlib
import runpy

import pytest

EXAMPLES = sorted((pathlib.Path(__file__).resolve().parents[1] / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, monkeypatch, tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.setenv("SKDL_EXAMPLES_QUICK", "1")
    monkeypatch.chdir(tmp_path)  # anything an example writes stays in a temp dir
    runpy.run_path(str(path), run_name="__main__")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_examples_exist():
    assert EXAMPLES, "examples/ holds no scripts"
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        assert text.startswith('"""\n'), f"{path.name}: starts with a docstring title"
        assert "====" in text.split('"""')[1], f"{path.name}: title underlined for the gallery"
