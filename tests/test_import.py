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


@pytest.mark.parametrize(
    "imports",
    [
        "import skdl; import keras",
        "import skdl, importlib.util; importlib.util.find_spec('keras'); import keras",
        "import skdl; import tensorflow; import keras",  # TensorFlow looks Keras up first
        "import keras; import skdl",
    ],
)
def test_skdls_keras_objects_registered_when_keras_is_imported(imports):
    # whichever comes first, Keras' registry then holds them
    out = _run(
        f"{imports}\n"
        "names = keras.saving.get_custom_objects()\n"
        "print(sorted(n for n in names if n.startswith('skdl>')))"
    )
    expected = [
        "skdl>ColumnSelector",
        "skdl>HalfPoissonDeviance",
        "skdl>HalfSquaredError",
        "skdl>OnProbabilities",
        "skdl>half_poisson_deviance",
    ]
    assert out.splitlines()[-1] == str(expected)


def test_a_failing_registration_leaves_imports_alone():
    out = _run(
        "import sys, warnings\nsys.modules['keras'] = None\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n    import skdl\n"
        "print([str(w.message)[:40] for w in caught])"
    )
    assert out.splitlines()[-1] == "[]"  # a Keras blocked from import is no Keras


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
