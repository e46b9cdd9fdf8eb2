"""The hub's Sanic application: `create_app(settings)` builds it; nothing happens at import."""
from __future__ import annotations

import asyncio
import itertools
import os
import socket
import uuid
from typing import Optional

from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json as json_response

from bolt.core import logs
from handoff.web.api import api
from handoff.web.files import files
from handoff.web.health import health
from handoff.web.reports import reports
from handoff.services.broker import Broker, LocalBroker
from handoff.config import HubSettings
from handoff.gc_tuning import ClosedSockets
from handoff.services.hub import Hub
from handoff.metrics import Metrics
from handoff.services.rasa_client import RasaClient
from handoff.services.gauges import refresh_forever
from handoff.services.redis_broker import RedisBroker
from handoff.rules.address_limits import AddressLimits
from handoff.rules.rate_limits import Limiter
from handoff.services.attempt_counts import attempt_counts
from handoff.services.sign_in import address_limits, name_limits
from handoff.wire.sockets import agent_socket, chat_socket
from handoff.store.checkpoints import WalCheckpoints
from handoff.store.database import connect, migrate
from handoff.store.repository import Repository
from handoff.services.texts import Texts
from handoff.web.headers import frame_ancestors, security_headers
from handoff.web.pages import demo_users, load_web_texts, seed_demo_agent, web

log = logs.get_logger(__name__)
# Sanic keeps a registry of app names; each app built in one process gets its own.
_numbers = itertools.count(1)
# Frames up to this many times the frame limit still get an error frame; beyond, the socket closes.
HARD_FRAME_FACTOR = 4
FIRST_SWEEP_SECONDS = 60.0


def create_app(settings: HubSettings, broker: Optional[Broker] = None) -> Sanic:
    # Sanic's lines go through the process's own log set-up (bolt/core/logs.py).
    app = Sanic(f"bolt_hub_{next(_numbers)}", register=False, configure_logging=False)
    app.config.WEBSOCKET_MAX_SIZE = settings.max_frame_bytes * HARD_FRAME_FACTOR
    app.config.REQUEST_MAX_SIZE = 256 * 1024
    app.config.ACCESS_LOG = False
    app.blueprint(api)
    app.blueprint(health)
    app.blueprint(reports)
    app.blueprint(web)
    app.blueprint(files)
    app.add_websocket_route(chat_socket, "/ws/chat")
    app.add_websocket_route(agent_socket, "/ws/agent")

    @app.on_request
    async def refuse_foreign_origins(request: Request) -> Optional[HTTPResponse]:
        if request.path.startswith("/ws/") and not settings.origin_allowed(
                request.headers.get("origin")):
            return json_response({"error": "this origin may not connect"}, status=403)
        return None

    ancestors = frame_ancestors(settings.allowed_origins)

    @app.exception(Exception)
    async def failed(request: Request, error: Exception) -> HTTPResponse:
        if isinstance(error, SanicException):  # the request's fault (404, 405, 413): Sanic says so
            return app.error_handler.default(request, error)
        # Not the caller's doing: the log says why, the answer says no library's words.
        log.error("request.failed", method=request.method, path=request.path, exc_info=error)
        return json_response({"error": "the hub failed to do this (its log says why)"},
                             status=500)

    @app.on_response
    async def add_security_headers(request: Request, response: HTTPResponse) -> None:
        for name, value in security_headers(request, ancestors).items():
            response.headers.setdefault(name, value)

    @app.before_server_start
    async def start(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        engine = connect(settings.database_url, background_checkpoints=True)
        migrate(engine)
        app.ctx.checkpoints = WalCheckpoints.start(engine)
        rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, settings.rasa_token)
        await rasa.start()
        prefix = settings.redis_prefix
        fan_out = broker or (RedisBroker(settings.redis_url, prefix + "hub:") if settings.redis_url
                             else LocalBroker())
        await fan_out.start()
        # Failed sign-ins are counted where the frames go between hubs: in Redis for several.
        attempts = (attempt_counts(name_limits(), settings.redis_url, prefix + "signin:name:"),
                    attempt_counts(address_limits(), settings.redis_url,
                                   prefix + "signin:address:"))
        metrics = Metrics()
        repository = Repository(engine)
        repository.writer.committed = metrics.store_commit.observe
        if isinstance(fan_out, RedisBroker):
            fan_out.lag = metrics.broker_lag.observe
            metrics.broker_backlog.set_function(fan_out.outgoing.qsize)
        hub = Hub.assemble(settings, repository, fan_out, rasa,
                           Texts.load(settings.content_dir), metrics, hub_id=_hub_id(),
                           attempts=attempts)
        app.ctx.engine = engine
        app.ctx.web_texts = load_web_texts(settings.content_dir)
        app.ctx.demo_users = demo_users() if settings.demo else []
        if settings.demo:
            log.warning("demo_mode.on", setting="BOLT_DEMO", agent="demo",
                        advice="never expose this hub")
            if seed_demo_agent(hub.repository):
                log.info("demo_mode.agent_added", agent="demo")
        app.ctx.hub = hub
        app.ctx.limiter = Limiter(settings.rate_per_second, settings.rate_burst)
        app.ctx.address_limits = AddressLimits(
            settings.sockets_per_address, settings.anonymous_conversations_per_hour,
            settings.address_rate_per_second, settings.address_rate_burst)
        hub.start()
        loop = asyncio.get_running_loop()
        app.ctx.sockets = ClosedSockets()
        app.ctx.ticker = loop.create_task(_tick(hub, settings.tick_seconds, app.ctx.sockets))
        app.ctx.retention = loop.create_task(_sweep(hub, settings.retention_sweep_seconds))
        app.ctx.gauges = loop.create_task(refresh_forever(hub, settings.metrics_seconds))
        app.ctx.mail = loop.create_task(_send_mail(hub, settings.mail.send_seconds))

    @app.before_server_stop
    async def stop(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.ticker.cancel()
        app.ctx.retention.cancel()
        app.ctx.gauges.cancel()
        app.ctx.mail.cancel()
        await asyncio.gather(app.ctx.ticker, app.ctx.retention, app.ctx.gauges, app.ctx.mail,
                             return_exceptions=True)
        await app.ctx.hub.stop()
        await app.ctx.hub.broker.stop()
        app.ctx.hub.repository.close()
        if app.ctx.checkpoints is not None:
            app.ctx.checkpoints.stop()
        app.ctx.engine.dispose()

    return app


def _hub_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def _tick(hub: Hub, seconds: float, sockets: ClosedSockets) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            hub.tick()
        except Exception:  # one bad tick (a database hiccup) must not stop the queue for good
            log.exception("queue.tick_failed")
        sockets.tick()


async def _send_mail(hub: Hub, seconds: float) -> None:
    """The outbox (handoff/services/mail.py): what is due, every `seconds`, on every hub; the
    claims keep two hubs off one mail."""
    if not hub.mailer.enabled:
        return
    while True:
        try:
            await hub.mailer.send_due()
        except Exception:  # a database hiccup: the next round tries again
            log.exception("mail.round_failed")
        await asyncio.sleep(seconds)


async def _sweep(hub: Hub, seconds: float) -> None:
    """The retention job (handoff/services/retention.py): first a minute after the start (or
    sooner, when the interval is shorter), then every `seconds`, off the event loop."""
    await asyncio.sleep(min(seconds, FIRST_SWEEP_SECONDS))
    while True:
        try:
            swept = await asyncio.to_thread(hub.retention.sweep)
            if any(swept.values()):
                log.info("retention.swept", deleted=swept)
            questions = await asyncio.to_thread(hub.articles.forget_questions,
                                                hub.settings.retention_days)
            if questions:
                log.info("retention.swept", deleted={"article_questions": questions})
        except Exception:  # the next sweep tries again
            log.exception("retention.sweep_failed")
        await asyncio.sleep(seconds)
