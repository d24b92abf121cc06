"""scikit-learn's ``parametrize_with_checks``, strict where the installed scikit-learn can be.

``xfail_strict=True`` (scikit-learn 1.7 and later) turns a listed expected failure
that passes into a test failure, so the lists stay true; scikit-learn 1.6, the
oldest skdl supports, runs the same checks with non-strict expected failures.
"""

import inspect

from sklearn.utils.estimator_checks import parametrize_with_checks as _parametrize_with_checks

STRICT = (
    {"xfail_strict": True}
    if "xfail_strict" in inspect.signature(_parametrize_with_checks).parameters
    else {}
)


def parametrize_with_checks(estimators, *, expected_failed_checks):
    """``parametrize_with_checks`` with strict expected failures where available."""
    return _parametrize_with_checks(
        estimators, expected_failed_checks=expected_failed_checks, **STRICT
    )


# scikit-learn compares a fit with integer sample weights to a fit on repeated
# rows at float64 tolerance, on dense and on sparse X (which skdl makes dense)
SAMPLE_WEIGHT_EQUIVALENCE = (
    "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weight_equivalence_on_sparse_data",
)


def sample_weight_equivalence_fails(reason):
    """The expected failures of mini-batch float32 training, with ``reason``."""
    return {check: reason for check in SAMPLE_WEIGHT_EQUIVALENCE}
