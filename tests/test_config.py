"""skdl.set_config, get_config and config_context."""

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


def test_unknown_setting():
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        skdl.set_config(share=True)
