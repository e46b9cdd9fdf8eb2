"""Sending one mail through the help center's SMTP server (the standard library's smtplib, run
off the event loop by handoff/services/mail.py): implicit TLS, STARTTLS, or (to a server on this
machine only) plain; the server's certificate checked against the system's CAs or the given CA
file; a login when credentials are set."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Optional

SECURITY = ("starttls", "tls", "none")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls, tls or none
    sender: str
    username: Optional[str] = None
    password: Optional[str] = None
    ca_file: Optional[str] = None
    timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValueError(f"BOLT_SMTP_SECURITY must be one of {', '.join(SECURITY)}")
        # Credentials and users' mail never cross a network in the clear.
        if self.security == "none" and self.host not in LOOPBACK:
            raise ValueError("BOLT_SMTP_SECURITY=none is only for a server on this machine")

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


class MailNotSent(RuntimeError):
    """The server could not be reached or refused the mail: try again later."""


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Sends the message or raises MailNotSent (blocking: call it from a worker thread)."""
    try:
        if settings.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                                    timeout=settings.timeout_seconds,
                                                    context=settings.tls_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        with client:
            if settings.security == "starttls":
                client.starttls(context=settings.tls_context())
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        # The class names the failure; the server's words may quote the address, kept out.
        raise MailNotSent(type(error).__name__) from error
