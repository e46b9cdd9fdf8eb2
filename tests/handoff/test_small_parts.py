"""Rate limits, passwords, metrics text, request checks, settings."""
from pathlib import Path

import pytest

from handoff.config import HubSettings
from handoff.metrics import Metrics
from handoff.services.passwords import check_password, hash_password, token_hash
from handoff.rules.rate_limits import Limiter, TokenBucket
from handoff.services.handoff_requests import InvalidRequest, handoff_request, ticket_request
from support.hub import handoff_body


def test_a_bucket_allows_a_burst_then_the_rate():
    bucket = TokenBucket(rate_per_second=2, burst=3)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(0.4) is False and bucket.take(0.6) is True


def test_the_limiter_needs_room_in_every_bucket_and_spends_only_when_allowed():
    limiter = Limiter(rate_per_second=1, burst=2)
    assert limiter.allow(0.0, "conn:1", "user:a") and limiter.allow(0.0, "conn:2", "user:a")
    assert not limiter.allow(0.0, "conn:3", "user:a")  # the identity's bucket is empty
    assert limiter.allow(0.0, "conn:3")  # so nothing was taken from conn:3's
    assert limiter.allow(0.0, "conn:3") and not limiter.allow(0.0, "conn:3")


def test_passwords_are_salted_scrypt_and_checked_in_constant_time():
    stored = hash_password("a long passphrase")
    assert stored.startswith("scrypt$") and "a long passphrase" not in stored
    assert stored != hash_password("a long passphrase")
    assert check_password("a long passphrase", stored)
    assert not check_password("a long passphrasE", stored)
    assert not check_password("a long passphrase", "garbage")
    with pytest.raises(ValueError):
        hash_password("short")
    assert len(token_hash("x")) == 64


def test_metrics_are_prometheus_text():
    metrics = Metrics()
    metrics.count("bolt_hub_messages_relayed_total", speaker="user")
    metrics.count("bolt_hub_messages_relayed_total", speaker="user")
    metrics.observe("bolt_hub_bot_latency_seconds", 0.2)
    metrics.set_figures({("bolt_hub_queue_length", ("de", "P1")): 3})
    text = metrics.exposition().decode()
    lines = text.splitlines()
    assert '# TYPE bolt_hub_messages_relayed_total counter' in lines
    assert 'bolt_hub_messages_relayed_total{speaker="user"} 2.0' in lines
    assert 'bolt_hub_queue_length{language="de",priority="P1"} 3.0' in lines
    assert 'bolt_hub_bot_latency_seconds_bucket{le="0.1"} 0.0' in lines
    assert 'bolt_hub_bot_latency_seconds_bucket{le="0.25"} 1.0' in lines
    assert 'bolt_hub_bot_latency_seconds_count 1.0' in lines and text.endswith("\n")


def test_a_gauge_series_that_empties_reads_zero_and_each_hub_counts_its_own():
    first, second = Metrics(), Metrics()
    first.set_figures({("bolt_hub_queue_length", ("de", "P1")): 2})
    first.set_figures({})
    first.refused("rate_limited")
    first.refused("rate_limited")
    lines = first.exposition().decode().splitlines()
    assert 'bolt_hub_queue_length{language="de",priority="P1"} 0.0' in lines
    assert 'bolt_hub_agents_available{language="ja"} 0.0' in lines  # every language, idle
    assert 'bolt_hub_frames_refused_total{code="rate_limited"} 2.0' in lines
    assert "bolt_hub_frames_refused_total{" not in second.exposition().decode()


@pytest.mark.parametrize("change,field", [
    ({"priority": "P9"}, "priority"), ({"language": "fr"}, "language"),
    ({"first_response_hours": 0}, "first_response_hours"), ({"reason": "bored"}, "reason"),
    ({"summary": "x" * 2001}, "summary"), ({"account": "acme"}, "account"),
    ({"conversation_id": ""}, "conversation_id"), ({"first_response_hours": True}, "first_response_hours"),
    # Lone surrogates and NUL, which JSON's escapes allow, but not every store or socket can carry.
    ({"summary": "half \ud800"}, "summary"), ({"conversation_id": "c-\udc00"}, "conversation_id"),
    ({"account": {"account_name": "Acme \ud800"}}, "account"), ({"summary": "a\x00"}, "summary"),
    # A deadline no date can hold.
    ({"first_response_hours": float("inf")}, "first_response_hours"),
    ({"first_response_hours": 1e308}, "first_response_hours"),
    ({"first_response_hours": float("nan")}, "first_response_hours"),
    ({"first_response_hours": 24 * 365 + 1}, "first_response_hours"),
])
def test_handoff_requests_name_the_bad_field(change, field):
    with pytest.raises(InvalidRequest) as refused:
        handoff_request({**handoff_body("c-1"), **change})
    assert refused.value.field == field


def test_a_good_handoff_request_knows_about_automatic_escalation():
    request = handoff_request(handoff_body("c-1", rights=["live_chat", "automatic_escalation"]))
    assert request.auto_escalation and request.first_response_hours == 4.0
    assert ticket_request({"conversation_id": "c-1", "language": "de"}).priority is None


def test_settings_come_from_the_environment_with_defaults(tmp_path):
    env = {"BOLT_HOME": str(tmp_path / "project"), "BOLT_STATE_DIR": str(tmp_path),
           "BOLT_TOKEN_SECRET": "t" * 40, "BOLT_SERVICE_TOKEN": "v" * 40}
    settings = HubSettings.from_env(env)
    assert settings.content_dir == (tmp_path / "project" / "data").resolve()
    assert HubSettings.from_env({**env, "BOLT_CONTENT_DIR": "/srv/content"}).content_dir == Path(
        "/srv/content")
    assert settings.port == 5080 and settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/hub.sqlite3"
    assert settings.origin_allowed("http://localhost:5080") and settings.origin_allowed(None)
    assert not settings.origin_allowed("https://evil.example")
    with pytest.raises(SystemExit, match="BOLT_HUB_RASA_TIMEOUT must be a number"):
        HubSettings.from_env({**env, "BOLT_HUB_RASA_TIMEOUT": "soon"})
    with pytest.raises(SystemExit, match="BOLT_HUB_MAX_TEXT_CHARS must be more than 0"):
        HubSettings.from_env({**env, "BOLT_HUB_MAX_TEXT_CHARS": "-1"})


def test_every_hub_text_exists_in_every_language_with_its_placeholders():
    import re

    from bolt.core.languages import SUPPORTED_LANGUAGES
    from handoff.services.texts import Texts
    from support import REPOSITORY

    texts = Texts.load(REPOSITORY / "data")
    english = {f.language: f.messages for f in texts.answers.files}["en"]
    assert len(texts.answers.files) == len(SUPPORTED_LANGUAGES)
    for answer_file in texts.answers.files:
        assert set(answer_file.messages) == set(english), answer_file.path
        for name, template in answer_file.messages.items():
            assert set(re.findall(r"\{(\w+)\}", template)) == set(
                re.findall(r"\{(\w+)\}", english[name])), (answer_file.path, name)
    assert texts.render("hub_agent_joined", "ja", agent="Erika") == "Erikaがチャットに参加しました。"
