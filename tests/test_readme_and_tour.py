"""The README's example and the ``python -m skdl`` tour keep working."""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_example_runs(capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.count("[") >= 3  # the CV scores and the probabilities were printed


def test_tour_help():
    result = subprocess.run(
        [sys.executable, "-m", "skdl", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "--quick" in result.stdout


def test_tour_quick_run():
    result = subprocess.run(
        [sys.executable, "-m", "skdl", "--quick"], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["dataset", "model", "metric"]
    accuracy = re.search(r"skdl KerasClassifier\s+accuracy \(CV\)\s+(\S+)", result.stdout)
    assert float(accuracy.group(1)) > 0.7
    assert re.search(r"skdl KerasRegressor \(hidden_layer_sizes=.*R² \(test\)", result.stdout)
    assert "... housing: RandomizedSearchCV" in result.stderr  # progress is shown
