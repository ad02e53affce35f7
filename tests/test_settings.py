"""Settings: defaults, hosted mode, environment variables, a secrets mapping, errors."""

import dataclasses

import pytest

from rnn.settings import (LimitError, Settings, SettingsError, check_text_length, check_upload_size,
                          clamp_budget, get_settings, validate_model_size)


def test_defaults_without_environment():
    s = get_settings(environ={})
    assert s == Settings()
    assert (s.max_hidden, s.max_embed, s.max_layers) == (256, 256, 3)
    assert (s.max_seconds, s.max_upload_mb, s.max_text_chars) == (300.0, 5.0, 2000)
    assert s.max_concurrent_trainings == 2 and s.tick_seconds == 0.3 and not s.hosted
    assert s.max_upload_bytes == 5 * 2**20


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().max_hidden = 1


def test_hosted_applies_tighter_defaults_then_env_overrides():
    s = get_settings(environ={"RNN_PLAYGROUND_HOSTED": "1"})
    assert s.hosted and s.max_seconds == 60.0 and s.max_upload_mb == 1.0
    s = get_settings(environ={"RNN_PLAYGROUND_HOSTED": "true", "RNN_PLAYGROUND_MAX_SECONDS": "90"})
    assert s.hosted and s.max_seconds == 90.0 and s.max_upload_mb == 1.0


def test_env_vars_are_parsed_to_field_types():
    env = {"RNN_PLAYGROUND_MAX_HIDDEN": " 128 ", "RNN_PLAYGROUND_TICK_SECONDS": "0.5",
           "RNN_PLAYGROUND_HOSTED": "no", "UNRELATED": "x"}
    s = get_settings(environ=env)
    assert s.max_hidden == 128 and isinstance(s.max_hidden, int)
    assert s.tick_seconds == 0.5 and not s.hosted


def test_mapping_overrides_environment_and_accepts_both_key_styles():
    env = {"RNN_PLAYGROUND_MAX_HIDDEN": "128"}
    s = get_settings({"max_hidden": 64, "RNN_PLAYGROUND_MAX_LAYERS": 2, "other_secret": "x"},
                     environ=env)
    assert s.max_hidden == 64 and s.max_layers == 2
    assert get_settings({"hosted": True}, environ={}).max_seconds == 60.0


@pytest.mark.parametrize("var, value", [
    ("RNN_PLAYGROUND_MAX_HIDDEN", "abc"),
    ("RNN_PLAYGROUND_MAX_HIDDEN", "12.5"),
    ("RNN_PLAYGROUND_MAX_LAYERS", "0"),
    ("RNN_PLAYGROUND_MAX_SECONDS", "-3"),
    ("RNN_PLAYGROUND_MAX_SECONDS", "inf"),
    ("RNN_PLAYGROUND_HOSTED", "maybe"),
])
def test_invalid_values_name_the_variable(var, value):
    with pytest.raises(SettingsError, match=var):
        get_settings(environ={var: value})


def test_invalid_mapping_value_names_the_key():
    with pytest.raises(SettingsError, match="max_embed"):
        get_settings({"max_embed": True}, environ={})


def test_validate_model_size_messages_and_strict():
    s = Settings(max_hidden=64, max_embed=32, max_layers=2)
    assert validate_model_size(64, 32, 2, s) == []
    problems = validate_model_size(65, 33, 0, s)
    assert len(problems) == 3
    assert "at most 64" in problems[0] and "at most 32" in problems[1] and "at least 1" in problems[2]
    with pytest.raises(LimitError, match="hidden size is 100"):
        validate_model_size(100, 8, 1, s, strict=True)


def test_budget_and_input_limits():
    s = Settings(max_seconds=60.0, max_steps=1000, max_upload_mb=1.0, max_text_chars=10)
    assert clamp_budget(None, None, s) == (60.0, 1000)
    assert clamp_budget(5.0, 50000, s) == (5.0, 1000)
    check_upload_size(2**20, s)
    with pytest.raises(LimitError, match="limit is 1 MB"):
        check_upload_size(2**20 + 1, s)
    check_text_length("x" * 10, s)
    with pytest.raises(LimitError, match="11 characters"):
        check_text_length("x" * 11, s)
