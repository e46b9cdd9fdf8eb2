import json
import os
import stat

import pytest

from bolt.core.secrets import load_secrets


def test_secrets_from_the_environment_win(tmp_path):
    env = {"BOLT_TOKEN_SECRET": "t" * 40, "BOLT_SERVICE_TOKEN": "v" * 40,
           "BOLT_CLAIMS_SECRET": "c" * 40, "BOLT_RASA_TOKEN": "r" * 40}
    loaded = load_secrets(tmp_path, env)
    assert (loaded.token_secret, loaded.service_token, loaded.claims_secret,
            loaded.rasa_token) == ("t" * 40, "v" * 40, "c" * 40, "r" * 40)
    assert not (tmp_path / "secrets.json").exists()


def test_missing_secrets_are_generated_once_and_kept_private(tmp_path):
    first = load_secrets(tmp_path / "var", {})
    second = load_secrets(tmp_path / "var", {})
    assert first == second and len(first.token_secret) >= 32 and first.token_secret != first.service_token
    mode = stat.S_IMODE(os.stat(tmp_path / "var" / "secrets.json").st_mode)
    assert mode == 0o600


def test_one_secret_from_the_environment_and_the_other_kept(tmp_path):
    loaded = load_secrets(tmp_path, {"BOLT_TOKEN_SECRET": "t" * 40})
    assert loaded.token_secret == "t" * 40
    assert loaded.service_token == load_secrets(tmp_path, {}).service_token


def test_a_kept_file_without_the_hubs_secrets_gets_them_and_keeps_its_own(tmp_path):
    kept = {"token_secret": "t" * 40, "service_token": "v" * 40}
    (tmp_path / "secrets.json").write_text(json.dumps(kept))
    loaded = load_secrets(tmp_path, {})
    assert (loaded.token_secret, loaded.service_token) == ("t" * 40, "v" * 40)
    assert len({loaded.claims_secret, loaded.rasa_token, loaded.token_secret}) == 3
    assert len(loaded.claims_secret) >= 32 and len(loaded.rasa_token) >= 32
    assert load_secrets(tmp_path, {}) == loaded
    assert stat.S_IMODE(os.stat(tmp_path / "secrets.json").st_mode) == 0o600


def test_the_help_center_secret_has_a_key_id_and_a_previous_one_is_accepted_by_its_own(tmp_path):
    env = {"BOLT_TOKEN_SECRET": "t" * 40}
    assert load_secrets(tmp_path, env).token_keys() == {"k1": "t" * 40}
    changing = {**env, "BOLT_TOKEN_KID": "k2", "BOLT_TOKEN_SECRET_PREVIOUS": "p" * 40,
                "BOLT_TOKEN_KID_PREVIOUS": "k1"}
    assert load_secrets(tmp_path, changing).token_keys() == {"k2": "t" * 40, "k1": "p" * 40}


@pytest.mark.parametrize("previous", [
    {"BOLT_TOKEN_SECRET_PREVIOUS": "p" * 40},                                   # no key id
    {"BOLT_TOKEN_SECRET_PREVIOUS": "p" * 40, "BOLT_TOKEN_KID_PREVIOUS": "k1"},  # the same key id
])
def test_a_previous_secret_needs_a_key_id_of_its_own(tmp_path, previous):
    with pytest.raises(ValueError, match="BOLT_TOKEN_KID"):
        load_secrets(tmp_path, {"BOLT_TOKEN_SECRET": "t" * 40, **previous})
