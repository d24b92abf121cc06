"""``import skdl`` stays light: no Keras or TensorFlow until a model is built."""

import subprocess
import sys

import pytest


def _run(code):
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    "statement",
    [
        "import skdl",
        "from skdl import KerasClassifier, KerasRegressor",
        "from skdl import KerasClassifier; KerasClassifier(epochs=3).get_params()",
        "from sklearn.base import clone; from skdl import KerasRegressor;"
        "import pickle; pickle.loads(pickle.dumps(clone(KerasRegressor())))",
    ],
)
def test_no_keras_or_tensorflow_on_import(statement):
    out = _run(
        f"{statement}\nimport sys\n"
        "print(sorted(m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules))"
    )
    assert out == "[]"


def test_skdls_keras_objects_registered_when_keras_is_imported():
    # by the user's import after skdl's: Keras' registry then holds them
    out = _run(
        "import sys, skdl\nassert 'keras' not in sys.modules\nimport keras\n"
        "names = keras.saving.get_custom_objects()\n"
        "print(sorted(n for n in names if n.startswith('skdl>')), len(sys.meta_path))\n"
        "import importlib; importlib.reload(keras)\nprint(len(sys.meta_path))"
    )
    names, finders, after = out.splitlines()[-2].rsplit(" ", 1) + out.splitlines()[-1:]
    expected = ["skdl>ColumnSelector", "skdl>HalfPoissonDeviance", "skdl>half_poisson_deviance"]
    assert names == str(expected)
    assert finders == after  # the finder took itself out


def test_keras_loaded_on_fit():
    out = _run(
        "import sys, numpy as np\nfrom skdl import KerasRegressor\n"
        "KerasRegressor().fit(np.ones((4, 2)), np.arange(4.0))\nprint('keras' in sys.modules)"
    )
    assert out.endswith("True")


def test_unknown_name():
    import skdl

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        skdl.Nope  # noqa: B018
    assert "KerasClassifier" in dir(skdl)
