"""The action server's settings, read from the environment with their documented defaults."""
from pathlib import Path

import pytest

from actions.config import ACTIONS_DIR, ActionSettings


def test_defaults_follow_the_state_dir_and_the_hub_port(tmp_path):
    config = ActionSettings.from_env({"BOLT_HOME": str(tmp_path), "BOLT_HUB_PORT": "6080"})
    assert config.accounts_database_url == f"sqlite:///{(tmp_path / 'var').resolve()}/accounts.sqlite3"
    assert config.hub_url == "http://127.0.0.1:6080" and config.hub_timeout == 5.0
    assert config.demo is False
    assert config.support_policy == ACTIONS_DIR / "support_policy.yml"
    assert config.triage_cues == ACTIONS_DIR / "triage_cues.yml"


def test_the_content_follows_the_project_folder_not_the_package(tmp_path):
    config = ActionSettings.from_env({"BOLT_HOME": str(tmp_path)})
    assert config.content_dir == tmp_path.resolve() / "data"
    assert config.phone_table == tmp_path.resolve() / "data" / "phone_numbers.yml"
    config = ActionSettings.from_env({"BOLT_HOME": str(tmp_path),
                                      "BOLT_CONTENT_DIR": "/srv/content"})
    assert config.phone_table == Path("/srv/content/phone_numbers.yml")


def test_each_setting_can_be_given():
    config = ActionSettings.from_env({
        "BOLT_ACCOUNTS_DATABASE_URL": "postgresql://db/accounts", "BOLT_DEMO": "yes",
        "BOLT_SUPPORT_POLICY": "/etc/bolt/policy.yml", "BOLT_TRIAGE_CUES": "/etc/bolt/cues.yml",
        "BOLT_HUB_URL": "http://hub.internal:80/", "BOLT_HUB_TIMEOUT": "1.5",
    })
    assert config.accounts_database_url == "postgresql://db/accounts"
    assert config.demo is True
    assert config.support_policy == Path("/etc/bolt/policy.yml")
    assert config.triage_cues == Path("/etc/bolt/cues.yml")
    assert (config.hub_url, config.hub_timeout) == ("http://hub.internal:80", 1.5)


@pytest.mark.parametrize("name, value", [
    ("BOLT_HUB_TIMEOUT", "soon"), ("BOLT_HUB_TIMEOUT", "0"), ("BOLT_DEMO", "maybe"),
])
def test_bad_values_are_refused_by_name(name, value):
    with pytest.raises(SystemExit, match=name):
        ActionSettings.from_env({name: value})
