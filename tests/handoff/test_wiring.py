"""`bolt run` starts the hub third, every process gets the secrets it shares with the others,
and only the hub listens on BOLT_HOST."""
from pathlib import Path

import pytest

from bolt.processes import bolt_services
from bot.rasa_server import with_api_token
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
    for name in ("BOLT_TOKEN_SECRET", "BOLT_SERVICE_TOKEN", "BOLT_CLAIMS_SECRET"):
        assert actions.env[name] == hub.env[name] and len(hub.env[name]) >= 32
    assert rasa.env["BOLT_RASA_TOKEN"] == hub.env["BOLT_RASA_TOKEN"]
    assert (tmp_path / "state" / "secrets.json").exists()
    assert bolt_services(settings, Path("model.tar.gz"))[2].env == hub.env  # kept, not remade


def test_demo_mode_is_off_unless_asked_for_and_bolt_run_passes_it_on(tmp_path):
    base = {"BOLT_HOME": str(tmp_path), "BOLT_STATE_DIR": str(tmp_path / "state")}
    for env, demo in ((base, "false"), ({**base, "BOLT_DEMO": "true"}, "true")):
        actions, _rasa, hub = bolt_services(Settings.from_env(env), Path("model.tar.gz"))
        assert actions.env["BOLT_DEMO"] == hub.env["BOLT_DEMO"] == demo


def test_only_make_run_turns_demo_mode_on_and_bolt_run_says_so(tmp_path, monkeypatch, capsys):
    import bolt.processes
    import bolt.training
    from bolt.cli.main import main

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    assert makefile.count("BOLT_DEMO") == 1
    assert "run: model\n\tBOLT_DEMO=true $(BIN)/bolt run\n" in makefile
    monkeypatch.setattr(bolt.training, "ensure_model", lambda settings: Path("model.tar.gz"))
    monkeypatch.setattr(bolt.processes, "run_until_stopped", lambda services, cwd: 0)
    monkeypatch.setenv("BOLT_HOME", str(tmp_path))
    monkeypatch.setenv("BOLT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("BOLT_DEMO", raising=False)
    assert main(["run"]) == 0
    assert "Demo mode" not in capsys.readouterr().out
    monkeypatch.setenv("BOLT_DEMO", "true")
    assert main(["run"]) == 0
    assert ("Demo mode is ON: demo sign-ins and the demo agent demo/demo-agent exist; never "
            "expose this") in capsys.readouterr().out


def test_only_the_hub_listens_where_bolt_host_says(tmp_path):
    settings = Settings.from_env({"BOLT_HOME": str(tmp_path), "BOLT_HOST": "0.0.0.0",
                                  "BOLT_STATE_DIR": str(tmp_path / "state")})
    actions, rasa, hub = bolt_services(settings, Path("model.tar.gz"))
    assert hub.env["BOLT_HOST"] == "0.0.0.0"
    assert actions.env["SANIC_HOST"] == "127.0.0.1"
    assert rasa.command[rasa.command.index("--interface") + 1] == "127.0.0.1"
    assert hub.env["BOLT_RASA_URL"] == "http://127.0.0.1:5005"
    assert rasa.env["BOLT_ACTIONS_URL"] == "http://127.0.0.1:5055/webhook"
    own = Settings.from_env({"BOLT_HOME": str(tmp_path), "BOLT_RASA_HOST": "10.0.0.5",
                             "BOLT_ACTIONS_HOST": "10.0.0.6"})
    assert (own.host, own.rasa_url, own.actions_url) == (
        "127.0.0.1", "http://10.0.0.5:5005", "http://10.0.0.6:5055/webhook")


def test_rasas_api_is_opened_with_its_token_kept_out_of_the_process_list(tmp_path):
    settings = Settings.from_env({"BOLT_HOME": str(tmp_path),
                                  "BOLT_STATE_DIR": str(tmp_path / "state")})
    rasa = bolt_services(settings, Path("model.tar.gz"))[1]
    token = rasa.env["BOLT_RASA_TOKEN"]
    assert "--enable-api" in rasa.command and token not in " ".join(rasa.command)
    assert with_api_token(rasa.command[3:], rasa.env)[-1] == f"--auth-token={token}"
    with pytest.raises(SystemExit, match="BOLT_RASA_TOKEN"):
        with_api_token(rasa.command[3:], {})
    assert with_api_token(["test", "core"], {}) == ["test", "core"]


@pytest.mark.parametrize("token", ["-starts-with-a-dash", "plain_Token-09"])
def test_rasas_own_parser_reads_any_token_the_secrets_can_hold(token):
    from rasa.__main__ import create_argument_parser

    args = with_api_token(["run", "--enable-api", "--model", "m.tar.gz"],
                          {"BOLT_RASA_TOKEN": token})
    assert create_argument_parser().parse_args(args).auth_token == token
