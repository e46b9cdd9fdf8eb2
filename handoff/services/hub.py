"""The hub's parts, built and wired in one place: `Hub.assemble`.

Each part is given the parts it uses and nothing else; this record of them is read only by the
web handlers (handoff/web, handoff/wire/sockets.py) and by the app's start, tick and stop
(handoff/app.py). Conversations change through the Timeline (stored first, then fanned out); the
Dispatcher moves the queue; Handoffs take conversations into it and out; Conversations and the
Desk are what users and agents can do on their sockets, Lookups what agents read beyond their
chats (a customer's history, search), Replies the canned replies agents share, Satisfaction the
users' ratings of agents' chats (CSAT), Reports the figures supervisors read, Supervision what
supervisors do beyond their own chats (the Board, joining, whispering, taking over, reassigning)
and what becomes of unanswered chats, ReviewDesk the editors' review of what Bolt missed,
Attachments the files sent in conversations, Tickets the web tickets' life, and the Mailer what
users are mailed about them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Optional, Tuple

from handoff.config import HubSettings
from handoff.metrics import Metrics
from handoff.services import topics
from handoff.services.answers import BoltAnswers
from handoff.services.attempt_counts import AttemptCounts
from handoff.services.articles import Articles
from handoff.services.attachments import Attachments, Limits
from handoff.rules.bot_backlog import lease_seconds
from handoff.rules.uploads import ACCEPTED_TYPES
from handoff.services.audit import Audit
from handoff.services.board import Board
from handoff.services.bot import Bot
from handoff.services.broker import Broker
from handoff.services.conversations import Conversations
from handoff.services.desk import Desk
from handoff.services.dispatch import Dispatcher
from handoff.services.handoffs import Handoffs
from handoff.services.lookups import Lookups
from handoff.services.mail import Mailer
from handoff.services.presence import Presence
from handoff.services.rasa_client import RasaClient
from handoff.services.replies import Replies
from handoff.services.reports import Reports
from handoff.services.retention import Retention
from handoff.services.satisfaction import Satisfaction
from handoff.services.supervision import Supervision
from handoff.services.review import Review
from handoff.services.review_desk import ReviewDesk
from handoff.services.tasks import BackgroundTasks
from handoff.services.texts import MAIL_FILE, Texts
from handoff.services.tickets import Tickets
from handoff.services.timeline import Timeline
from handoff.store.files import file_store
from handoff.store.repository import Repository
from handoff.store.schema import utcnow


@dataclass(frozen=True)
class Hub:
    settings: HubSettings
    repository: Repository
    broker: Broker
    rasa: RasaClient
    metrics: Metrics
    clock: Callable[[], datetime]
    background: BackgroundTasks
    dispatcher: Dispatcher
    handoffs: Handoffs
    conversations: Conversations
    desk: Desk
    audit: Audit
    retention: Retention
    lookups: Lookups
    replies: Replies
    articles: Articles
    satisfaction: Satisfaction
    reports: Reports
    supervision: Supervision
    review: ReviewDesk
    attachments: Attachments
    tickets: Tickets
    mailer: Mailer

    @classmethod
    def assemble(cls, settings: HubSettings, repository: Repository, broker: Broker,
                 rasa: RasaClient, texts: Texts, metrics: Metrics,
                 clock: Callable[[], datetime] = utcnow, hub_id: str = "local",
                 attempts: Tuple[Optional[AttemptCounts], Optional[AttemptCounts]] = (None, None),
                 ) -> "Hub":
        background = BackgroundTasks()
        answers = BoltAnswers(settings.content_dir)
        audit = Audit(repository, clock)
        bot = Bot(rasa, repository)
        presence = Presence(hub_id, settings.presence_seconds)
        timeline = Timeline(repository, broker, texts, metrics)
        dispatcher = Dispatcher(repository, broker, presence, timeline, metrics, clock,
                                settings.offer_seconds)
        mailer = Mailer(repository, Texts.load(settings.content_dir, MAIL_FILE), settings.mail,
                        clock, metrics)
        handoffs = Handoffs(repository, broker, dispatcher, timeline, bot, background, clock,
                            mailer)
        conversations = Conversations(repository, broker, dispatcher, timeline, handoffs, bot,
                                      background, metrics, settings.fallback_response_hours,
                                      settings.claims_secret,
                                      lease_seconds(settings.rasa_timeout))
        desk = Desk(repository, broker, presence, dispatcher, timeline, bot, background, metrics,
                    clock, settings.agent_grace_seconds, settings.demo,
                    settings.password_cost, settings.session_hours, attempts,
                    audit=audit, link_origins=settings.help_center_origins,
                    file_limits={"max_bytes": settings.attachment_max_bytes,
                                 "types": list(ACCEPTED_TYPES)})
        board = Board(repository, presence, dispatcher)
        supervision = Supervision(repository, broker, presence, dispatcher, timeline, desk, board,
                                  audit, clock, settings.answer_seconds)
        files = file_store(settings.file_store, repository.engine, settings.files_dir)
        attachments = Attachments(
            repository, files, timeline, conversations, audit, metrics,
            Limits(settings.attachment_max_bytes, settings.attachments_per_conversation,
                   settings.attachment_max_pixels, settings.attachment_link_seconds),
            settings.claims_secret)
        # What the other hubs say (with one hub, its own notices come back and are ignored).
        broker.subscribe(topics.PRESENCE, presence)
        broker.subscribe(topics.QUEUE, dispatcher)
        broker.subscribe(topics.SUPERVISORS, board)
        return cls(settings=settings, repository=repository, broker=broker, rasa=rasa,
                   metrics=metrics, clock=clock, background=background, dispatcher=dispatcher,
                   handoffs=handoffs, conversations=conversations, desk=desk, audit=audit,
                   retention=Retention(repository, audit, settings.retention_days,
                                       settings.audit_retention_days, clock, files=files),
                   lookups=Lookups(repository, audit),
                   replies=Replies(repository, broker, audit, answers,
                                   clock),
                   articles=Articles(settings.articles_url, timeline),
                   satisfaction=Satisfaction(repository, timeline),
                   reports=Reports(repository, audit, settings.retention_days, clock),
                   supervision=supervision,
                   review=ReviewDesk(Review(repository, settings.review_low_confidence), audit, rasa,
                                     settings.content_dir.resolve().parent),
                   attachments=attachments,
                   tickets=Tickets(repository, broker, audit, mailer, clock), mailer=mailer)

    def start(self) -> None:
        self.desk.start()
        self.audit.record_settings(self.settings.access_settings())

    def tick(self) -> None:
        """Presence announced, offers expired, breaches escalated, vanished agents' chats
        requeued after their grace period, unanswered chats given to another agent."""
        self.desk.announce_presence()
        self.dispatcher.tick()
        self.desk.watch()
        self.supervision.check_answers()

    async def stop(self) -> None:
        self.desk.stop()
        self.dispatcher.stop()
        await self.desk.sign_in.names.close()
        await self.desk.sign_in.addresses.close()
        await self.background.stop()
        await self.rasa.close()
