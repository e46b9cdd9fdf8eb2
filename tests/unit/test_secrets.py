import os
import stat

from bolt.core.secrets import load_secrets


def test_secrets_from_the_environment_win(tmp_path):
    env = {"BOLT_TOKEN_SECRET": "t" * 40, "BOLT_SERVICE_TOKEN": "v" * 40}
    loaded = load_secrets(tmp_path, env)
    assert (loaded.token_secret, loaded.service_token) == ("t" * 40, "v" * 40)
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
