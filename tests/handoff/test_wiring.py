"""`bolt run` starts the hub third, and every process gets the same secrets and addresses."""
from pathlib import Path

from bolt.processes import bolt_services
from bolt.core.settings import Settings


def test_bolt_run_starts_the_hub_with_the_shared_secrets(tmp_path):
    settings = Settings.from_env({"BOLT_HOME": str(tmp_path), "BOLT_HUB_PORT": "5999",
                                  "BOLT_STATE_DIR": str(tmp_path / "state")})
    actions, rasa, hub = bolt_services(settings, Path("model.tar.gz"))
    assert hub.command[-2:] == ["-m", "handoff"]
    assert hub.health_url == "http://127.0.0.1:5999/healthz"
    assert hub.env["BOLT_RASA_URL"] == settings.rasa_url
    assert hub.env["BOLT_STATE_DIR"] == str(tmp_path / "state")
    assert actions.env["BOLT_HUB_URL"] == "http://127.0.0.1:5999"
    assert actions.env["BOLT_STATE_DIR"] == hub.env["BOLT_STATE_DIR"]
    for name in ("BOLT_TOKEN_SECRET", "BOLT_SERVICE_TOKEN"):
        assert actions.env[name] == hub.env[name] and len(hub.env[name]) >= 32
    assert (tmp_path / "state" / "secrets.json").exists()
    assert bolt_services(settings, Path("model.tar.gz"))[2].env == hub.env  # kept, not remade
