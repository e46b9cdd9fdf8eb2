"""The mails a ticket's user gets, in the ticket's language (data/responses/<lang>/mail.yml):
the confirmation with the ticket's number and its transcript, and every agent's reply. Each is
put in the outbox (handoff/store/mail_outbox.py) in the transaction that makes it due, and
`Mailer.send_due` sends what is due: claimed for a lease, sent off the event loop, retried with
backoff (handoff/rules/mail_backoff.py) while the SMTP server fails.

With no SMTP server set (BOLT_SMTP_HOST) nothing is mailed and nothing is queued: tickets say
that replies appear in the sidebar only.
"""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional

from sqlalchemy import update

from bolt.core import logs
from handoff.metrics import Metrics
from handoff.rules.mail_backoff import retry_delay
from handoff.services.smtp import MailNotSent, SmtpSettings, send
from handoff.services.texts import Texts
from handoff.store import mail_outbox
from handoff.store.repository import Repository
from handoff.store.ticket_threads import public_id

log = logs.get_logger(__name__)

CONFIRMATION = "confirmation"
REPLY = "reply"
# What a transcript shows: what was said, not the hub's bookkeeping.
TRANSCRIBED = ("message", "queued", "agent_joined", "transferred", "requeued", "resolved",
               "left_queue", "bot_unavailable", "no_agents")


@dataclass(frozen=True)
class MailSettings:
    smtp: Optional[SmtpSettings]  # None: mail is off
    send_seconds: float = 5.0
    lease_seconds: float = 120.0
    retry_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    batch: int = 20


def transcript_text(texts: Texts, language: str, events: Iterable[Mapping[str, Any]]) -> str:
    """The conversation as the user may read it: never an event for agents only."""
    lines = []
    for event in events:
        if event.get("internal") or event.get("kind") not in TRANSCRIBED or not event.get("text"):
            continue
        speaker = event.get("speaker")
        if speaker == "user":
            who = texts.render("mail_speaker_user", language)
        elif speaker == "agent":
            who = texts.render("mail_speaker_agent", language, agent=event.get("name") or "")
        else:
            who = texts.render("mail_speaker_bot", language)
        lines.append(f"{who}: {event['text']}")
    return "\n\n".join(lines)


class Mailer:
    def __init__(self, repository: Repository, texts: Texts, settings: MailSettings,
                 clock: Callable[[], datetime], metrics: Metrics) -> None:
        self.repository = repository
        self.metrics = metrics
        self.texts = texts
        self.settings = settings
        self.clock = clock

    @property
    def enabled(self) -> bool:
        return self.settings.smtp is not None

    # --- composing (called inside the transaction that makes the mail due) ---------------------

    def confirmation(self, ticket: Mapping[str, Any], user_name: Optional[str],
                     at: datetime) -> Optional[Dict[str, Any]]:
        """The outbox row of a new ticket's confirmation, or None when nothing is to be mailed."""
        if not self.enabled or not ticket.get("email"):
            return None
        language, number = ticket["language"], public_id(ticket["id"])
        values = {"ticket_id": number, "user": self._name(user_name, language)}
        body = self.texts.render("mail_confirmation_body", language, **values,
                                 transcript=transcript_text(self.texts, language,
                                                            ticket["transcript"]))
        return self._row(ticket, CONFIRMATION, self.texts.render(
            "mail_confirmation_subject", language, **values), body, at)

    def reply(self, ticket: Mapping[str, Any], user_name: Optional[str], agent_name: str,
              text: str, at: datetime) -> Optional[Dict[str, Any]]:
        if not self.enabled or not ticket.get("email"):
            return None
        language, number = ticket["language"], public_id(ticket["id"])
        values = {"ticket_id": number, "user": self._name(user_name, language)}
        body = self.texts.render("mail_reply_body", language, **values, agent=agent_name,
                                 text=text)
        return self._row(ticket, REPLY, self.texts.render("mail_reply_subject", language,
                                                          **values), body, at)

    def _name(self, user_name: Optional[str], language: str) -> str:
        return user_name or self.texts.render("mail_no_name", language)

    @staticmethod
    def _row(ticket: Mapping[str, Any], kind: str, subject: str, body: str,
             at: datetime) -> Dict[str, Any]:
        return {"conversation_id": ticket["conversation_id"], "ticket_id": ticket["id"],
                "kind": kind, "recipient": ticket["email"], "language": ticket["language"],
                "subject": subject, "body": body, "created_at": at}

    # --- sending ---------------------------------------------------------------------------------

    async def send_due(self) -> int:
        """Sends the mails due now that no other hub has claimed; how many went out."""
        smtp = self.settings.smtp
        if smtp is None:
            return 0
        token = uuid.uuid4().hex
        now = self.clock()
        claimed = await asyncio.to_thread(self._write, lambda connection: mail_outbox.claim(
            connection, token, now, self.settings.lease_seconds, self.settings.batch))
        sent = 0
        for mail in claimed:
            try:
                await asyncio.to_thread(send, smtp, message(smtp, mail))
            except MailNotSent as error:
                delay = retry_delay(mail["attempts"] + 1, self.settings.retry_seconds,
                                    self.settings.retry_max_seconds)
                retry_at = self.clock() + timedelta(seconds=delay)
                self.metrics.count("bolt_hub_mails_total", kind=mail["kind"], outcome="failed")
                reason = str(error)
                log.warning("mail.not_sent", mail_id=mail["id"], attempts=mail["attempts"] + 1,
                            error=reason, retry_in_seconds=delay)
                await asyncio.to_thread(self._write, lambda c, m=mail: mail_outbox.failed(
                    c, m["id"], token, retry_at, reason))
                # The server is down for the others too: they wait for the next round.
                await asyncio.to_thread(self._write, lambda c: self._release(c, claimed, token))
                break
            await asyncio.to_thread(self._write, lambda c, m=mail: mail_outbox.sent(
                c, m["id"], token, self.clock()))
            self.metrics.count("bolt_hub_mails_total", kind=mail["kind"], outcome="sent")
            log.info("mail.sent", mail_id=mail["id"], kind=mail["kind"])
            sent += 1
        return sent

    @staticmethod
    def _release(connection: Any, claimed: List[Dict[str, Any]], token: str) -> None:
        outbox = mail_outbox.OUTBOX
        connection.execute(update(outbox).where(
            outbox.c.id.in_([mail["id"] for mail in claimed]), outbox.c.claimed_by == token,
            outbox.c.sent_at.is_(None)).values(claimed_by=None, claimed_until=None))

    def _write(self, work: Callable[[Any], Any]) -> Any:
        engine = self.repository.engine

        def run() -> Any:
            with engine.begin() as connection:
                return work(connection)
        return self.repository.writer.call(run)


def message(smtp: SmtpSettings, mail: Mapping[str, Any]) -> EmailMessage:
    """The mail as it goes out; its Message-ID is the outbox row's, the same on every attempt,
    and every mail of a ticket refers to one thread id, so mail readers keep them together."""
    domain = smtp.sender.rsplit("@", 1)[-1].strip(">") or "bolt"
    out = EmailMessage()
    out["From"] = smtp.sender
    out["To"] = mail["recipient"]
    out["Subject"] = mail["subject"]
    out["Date"] = format_datetime(mail["created_at"].replace(tzinfo=timezone.utc))
    out["Message-ID"] = f"<mail-{mail['id']}@{domain}>"
    thread = f"<ticket-{mail['ticket_id']}@{domain}>"
    out["References"] = thread
    if mail["kind"] == REPLY:
        out["In-Reply-To"] = thread
    out.set_content(mail["body"])
    # After the content: setting it replaces every Content-* header.
    out["Content-Language"] = mail["language"]
    return out

