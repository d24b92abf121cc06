import numpy as np
import pytest

from skdl._routing import (
    plain,
    route,
    routing_prefix,
    split_indexed,
    suggest,
    unknown_parameters_message,
)


def test_route_strips_prefix_and_ignores_others():
    params = {"optimizer__learning_rate": 0.1, "optimizer": "sgd", "fit__x": 1, "loss__y": 2}
    assert route(params, "optimizer") == {"learning_rate": 0.1}
    assert route(params, "fit") == {"x": 1}


@pytest.mark.parametrize(
    "name, prefix",
    [
        ("optimizer__momentum", "optimizer"),
        ("callbacks__0__patience", "callbacks"),
        ("n_hidden", None),
        ("optimizer", None),
        ("foo__bar", None),
    ],
)
def test_routing_prefix(name, prefix):
    assert routing_prefix(name) == prefix


def test_split_indexed():
    common, indexed = split_indexed({"patience": 3, "1__verbose": 1, "1__mode": "max"})
    assert common == {"patience": 3}
    assert indexed == {1: {"verbose": 1, "mode": "max"}}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("optimizer_lr", "optimizer__learning_rate"),
        ("optimizer__lr", "optimizer__learning_rate"),
        ("callbacks_patience", "callbacks__patience"),
        ("n_hiden", "n_hidden"),
        ("completely_different", None),
        ("build_fn", "model"),  # scikeras' name
        ("learning_rate", "optimizer__learning_rate"),
        ("lr", "optimizer__learning_rate"),
        ("nb_epoch", "epochs"),
        (
            "validation_data",
            "fit(X, y, validation_data=(X_val, y_val)), or the parameter fit__validation_data",
        ),
    ],
)
def test_suggest(name, expected):
    assert suggest(name, ["n_hidden", "epochs", "optimizer", "model"]) == expected


@pytest.mark.parametrize(
    "name, expected",
    [("epochs", "max_iter"), ("nb_epoch", "max_iter"), ("lr", "learning_rate_init")],
)
def test_suggest_the_names_of_scikit_learns_mlps(name, expected):
    valid = ["max_iter", "learning_rate_init", "learning_rate", "optimizer", "alpha"]
    assert suggest(name, valid) == expected


def test_message_lists_every_unknown_name_with_fix():
    msg = unknown_parameters_message("KerasRegressor", ["optimizer_lr", "n_hiden"], ["n_hidden"])
    assert "unexpected argument optimizer_lr, did you mean optimizer__learning_rate?" in msg
    assert "unexpected argument n_hiden, did you mean n_hidden?" in msg
    assert "optimizer__learning_rate? Valid parameters are" in msg  # a sentence ends once
    msg = unknown_parameters_message("KerasRegressor", ["zzz"], ["n_hidden"])
    assert msg.startswith("KerasRegressor: unexpected argument zzz. Valid parameters are")
    assert "the model builder's arguments, and routed parameters" in msg
    msg = unknown_parameters_message("MLPRegressor", ["zzz"], ["alpha"], builder=False)
    assert "Valid parameters are the estimator's own and routed parameters" in msg


def test_numpy_scalars_become_python_numbers():
    assert type(plain(np.int64(3))) is int
    assert type(plain(np.float32(0.5))) is float
    assert type(plain(np.bool_(True))) is bool
    array = np.arange(3)
    assert plain(array) is array
    assert plain("adam") == "adam"
