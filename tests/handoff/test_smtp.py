"""Sending one mail (handoff/services/smtp.py) to a real SMTP server on 127.0.0.1, safe by
default: implicit TLS and STARTTLS with the server's certificate checked, never a fall back to
plain text, plain text only to this machine; and the settings that turn mail on."""
from __future__ import annotations

from datetime import datetime

import pytest

from handoff.config import HubSettings
from handoff.services.mail import REPLY, message
from handoff.services.smtp import MailNotSent, SmtpSettings, send
from support.ports import free_port
from support.smtp_server import PASSWORD, USERNAME, SmtpServer, make_certificate

MAIL = {"id": 7, "ticket_id": 12, "kind": REPLY, "recipient": "erika@acme.example",
        "language": "de", "subject": "Eine Antwort auf Ihr Webticket T-000012",
        "body": "Hallo Erika,\n\nbitte aktualisieren Sie die App.",
        "created_at": datetime(2026, 12, 1, 9, 0)}


def settings(server: SmtpServer, **changes) -> SmtpSettings:
    values = dict(host="127.0.0.1", port=server.port, security=server.security,
                  sender="Support <support@help.example.com>", username=USERNAME,
                  password=PASSWORD, ca_file=str(server.files["ca"]), timeout_seconds=3)
    return SmtpSettings(**{**values, **changes})


@pytest.fixture
def server(request, tmp_path):
    running = SmtpServer(tmp_path, free_port(), security=request.param)
    running.start()
    yield running
    running.stop()


@pytest.mark.parametrize("server", ["starttls", "tls"], indirect=True)
def test_a_mail_goes_out_over_tls_with_its_headers(server):
    smtp = settings(server)
    send(smtp, message(smtp, MAIL))
    [mail] = server.inbox.wait_for(1)
    assert server.inbox.recipients == [["erika@acme.example"]]
    assert mail["Subject"] == MAIL["subject"] and mail["Content-Language"] == "de"
    assert mail["Message-ID"] == "<mail-7@help.example.com>"
    assert mail["In-Reply-To"] == mail["References"] == "<ticket-12@help.example.com>"
    assert "bitte aktualisieren Sie die App." in mail.get_content()


@pytest.mark.parametrize("server", ["starttls", "tls"], indirect=True)
def test_a_certificate_of_another_ca_is_refused(server, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    smtp = settings(server, ca_file=str(make_certificate(other)["ca"]))
    with pytest.raises(MailNotSent):
        send(smtp, message(smtp, MAIL))
    assert server.inbox.mails == []


@pytest.mark.parametrize("server", ["none"], indirect=True)
def test_starttls_never_falls_back_to_plain_text(server):
    smtp = settings(server, security="starttls")
    with pytest.raises(MailNotSent):
        send(smtp, message(smtp, MAIL))
    assert server.inbox.mails == []


@pytest.mark.parametrize("server", ["starttls"], indirect=True)
def test_a_wrong_password_is_a_failure_to_try_again(server):
    smtp = settings(server, password="wrong")
    with pytest.raises(MailNotSent):
        send(smtp, message(smtp, MAIL))


def test_plain_text_is_only_for_a_server_on_this_machine():
    SmtpSettings(host="127.0.0.1", port=25, security="none", sender="a@b.example")
    with pytest.raises(ValueError, match="this machine"):
        SmtpSettings(host="smtp.example.com", port=25, security="none", sender="a@b.example")
    with pytest.raises(ValueError, match="BOLT_SMTP_SECURITY"):
        SmtpSettings(host="smtp.example.com", port=25, security="ssl", sender="a@b.example")


def test_mail_is_off_unless_a_server_is_set_and_then_needs_a_sender(tmp_path):
    env = {"BOLT_STATE_DIR": str(tmp_path)}
    assert HubSettings.from_env(env).mail.smtp is None
    with pytest.raises(ValueError, match="BOLT_SMTP_FROM"):
        HubSettings.from_env({**env, "BOLT_SMTP_HOST": "smtp.example.com"})
    mail = HubSettings.from_env({**env, "BOLT_SMTP_HOST": "smtp.example.com",
                                 "BOLT_SMTP_FROM": "support@help.example.com"}).mail
    assert (mail.smtp.port, mail.smtp.security, mail.smtp.username) == (587, "starttls", None)
    assert (mail.send_seconds, mail.lease_seconds, mail.retry_seconds,
            mail.retry_max_seconds) == (5.0, 120.0, 30.0, 3600.0)
