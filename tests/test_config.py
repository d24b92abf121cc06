"""skdl.set_config, get_config and config_context."""

import numpy as np
import pytest

import skdl

DEFAULTS = {"share_compiled": True, "shared_models": 16, "single_pipeline": True}


def test_defaults():
    assert skdl.get_config() == DEFAULTS


def test_config_context_restores_the_settings():
    with skdl.config_context(share_compiled=False, shared_models=3, single_pipeline=False):
        assert skdl.get_config() == {
            "share_compiled": False,
            "shared_models": 3,
            "single_pipeline": False,
        }
    assert skdl.get_config() == DEFAULTS


def test_config_context_restores_only_the_settings_it_was_given():
    """Blocks in two threads that overlap (one begins inside the other and
    ends after it): the first restored every setting as it found them, and
    the second then put back the first's share_compiled=False for good."""
    first = skdl.config_context(share_compiled=False)
    second = skdl.config_context(shared_models=4)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert skdl.get_config() == {**DEFAULTS, "shared_models": 4}
    second.__exit__(None, None, None)
    assert skdl.get_config() == DEFAULTS


@pytest.mark.parametrize("order", ["first ends first", "last ends first"])
def test_blocks_of_the_same_setting_may_end_in_any_order(order):
    """Blocks in three threads that give the same setting and overlap: the
    value is that of the latest block still running, and the one from before
    all of them once they have ended (a block that ended first put back its
    value, and a later one then the first's, for good)."""
    blocks = [skdl.config_context(shared_models=n) for n in (3, 4, 5)]
    for block in blocks:
        block.__enter__()
    assert skdl.get_config()["shared_models"] == 5
    ending = blocks if order == "first ends first" else [blocks[2], blocks[0], blocks[1]]
    remaining = list(blocks)
    for block in ending:
        block.__exit__(None, None, None)
        remaining.remove(block)
        expected = [3, 4, 5][blocks.index(remaining[-1])] if remaining else 16
        assert skdl.get_config()["shared_models"] == expected
    assert skdl.get_config() == DEFAULTS


def test_a_context_with_an_invalid_setting_changes_nothing():
    with pytest.raises(TypeError, match="share_compiled must be True or False"):
        with skdl.config_context(shared_models=3, share_compiled="no"):
            pass
    assert skdl.get_config() == DEFAULTS


def test_none_leaves_a_setting_unchanged():
    skdl.set_config(shared_models=4)
    try:
        skdl.set_config()
        assert skdl.get_config()["shared_models"] == 4
    finally:
        skdl.set_config(shared_models=16)


@pytest.mark.parametrize(
    "settings, error, match",
    [
        ({"share_compiled": "yes"}, TypeError, "share_compiled must be True or False"),
        ({"shared_models": 2.5}, TypeError, "shared_models must be an int"),
        ({"shared_models": True}, TypeError, "shared_models must be an int"),
        ({"shared_models": -1}, ValueError, "shared_models must be an int >= 0"),
        ({"single_pipeline": 1}, TypeError, "single_pipeline must be True or False"),
    ],
)
def test_invalid_settings(settings, error, match):
    with pytest.raises(error, match=match):
        skdl.set_config(**settings)
    assert skdl.get_config() == DEFAULTS


def test_numpy_values_are_taken():
    """As scikit-learn's parameters take them (a value read from an array)."""
    with skdl.config_context(shared_models=np.int64(3), share_compiled=np.False_):
        assert skdl.get_config()["shared_models"] == 3
        assert skdl.get_config()["share_compiled"] is False
    assert skdl.get_config() == DEFAULTS


def test_unknown_setting():
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        skdl.set_config(share=True)
