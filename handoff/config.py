"""The hub's settings: read from the environment in this one place.

| variable                      | default                                   | meaning                                         |
|-------------------------------|-------------------------------------------|-------------------------------------------------|
| BOLT_HOST, BOLT_HUB_PORT      | 127.0.0.1, 5080 (bolt/core/settings.py)        | where the hub listens                           |
| BOLT_STATE_DIR                | $BOLT_HOME/var                            | SQLite database and generated secrets           |
| BOLT_HUB_DATABASE_URL         | sqlite:///$BOLT_STATE_DIR/hub.sqlite3     | any SQLAlchemy URL                              |
| BOLT_RASA_URL                 | http://$BOLT_RASA_HOST:$BOLT_RASA_PORT    | the Rasa server (REST channel and HTTP API)     |
| BOLT_HUB_RASA_TIMEOUT         | 10 (seconds)                              | longest wait for one bot reply (a bot turn's lease: twice this and 5 s) |
| BOLT_HUB_ALLOWED_ORIGINS      | http://127.0.0.1:5080,http://localhost:5080 | comma-separated Origins allowed on the sockets; `*` allows any |
| BOLT_HELP_CENTER_ORIGINS      | BOLT_HUB_ALLOWED_ORIGINS (without `*`)    | the origins whose article links the sidebar and console open |
| BOLT_ARTICLES_URL (bolt/articles/settings.py) | sqlite:///$BOLT_STATE_DIR/articles.sqlite3 | the article store agents search |
| BOLT_HUB_MAX_FRAME_BYTES      | 16384                                     | larger frames get an error frame                |
| BOLT_HUB_MAX_TEXT_CHARS       | 4000                                      | longest message text                            |
| BOLT_HUB_RATE_PER_SECOND      | 5                                         | sustained frames per second per connection and per identity |
| BOLT_HUB_RATE_BURST           | 20                                        | frames allowed at once before the rate applies  |
| BOLT_HUB_AGENT_GRACE_SECONDS  | 60                                        | how long a dropped agent keeps their chats      |
| BOLT_HUB_OFFER_SECONDS        | 30                                        | how long an offer waits for the agent to accept |
| BOLT_HUB_ANSWER_SECONDS       | 300                                       | how long a user may wait for the answer of the agent holding their chat before it is requeued for another and the agent flagged |
| BOLT_HUB_TICK_SECONDS         | 1                                         | how often deadlines and offers are checked      |
| BOLT_HUB_FALLBACK_RESPONSE_HOURS | 24                                     | first-response target of a chat queued by the hub itself (bot unreachable) |
| BOLT_HUB_REDIS_URL            | (none: one hub, in-process fan-out)       | Redis that carries frames between several hubs (redis://host:port/db) |
| BOLT_HUB_REDIS_PREFIX         | bolt:                                     | start of every Redis key and channel the hubs use (several deployments on one Redis each take their own) |
| BOLT_HUB_PRESENCE_SECONDS     | 5                                         | a hub not heard from for this long has no agents |
| BOLT_CONTENT_DIR              | $BOLT_HOME/data                           | the user-facing texts (responses/<lang>/hub.yml) |
| BOLT_REVIEW_LOW_CONFIDENCE    | 0.85                                      | Bolt's answers below this confidence go to the editors' review inbox |
| BOLT_TOKEN_SECRET, BOLT_SERVICE_TOKEN, BOLT_CLAIMS_SECRET, BOLT_RASA_TOKEN | generated into $BOLT_STATE_DIR/secrets.json (bolt/core/secrets.py) | |
| BOLT_TOKEN_KID, BOLT_TOKEN_SECRET_PREVIOUS, BOLT_TOKEN_KID_PREVIOUS | k1, none, none (bolt/core/secrets.py) | key ids of the accepted help-center secrets |
| BOLT_TOKEN_ISSUER             | (none: not required)                      | the `iss` every help-center token must carry     |
| BOLT_TOKEN_AUDIENCE           | (none: not required)                      | the `aud` every help-center token must carry     |
| BOLT_TOKEN_MAX_LIFETIME_SECONDS | 86400                                   | a help-center token whose `exp - iat` is longer is refused |
| BOLT_HUB_METRICS_TOKEN        | (none: /metrics refuses everyone)         | bearer token that GET /metrics requires          |
| BOLT_HUB_METRICS_SECONDS      | 5                                         | how often the gauges read from the database, and Rasa's state, are refreshed |
| BOLT_HUB_PASSWORD_COST        | 17                                        | scrypt's cost for agent passwords, as log2 of N (r = 8, p = 1); 10 at the least, for tests only |
| BOLT_HUB_SESSION_HOURS        | 12                                        | how long an agent's session token signs them in |
| BOLT_HUB_TRUSTED_PROXIES      | (none: the socket's peer is the client)   | comma-separated addresses / CIDR blocks of proxies whose X-Forwarded-For names the client |
| BOLT_HUB_SOCKETS_PER_ADDRESS  | 100                                       | open sockets (chat and agent) per client address |
| BOLT_HUB_ANONYMOUS_CONVERSATIONS_PER_HOUR | 60                            | new anonymous conversations per client address (a burst of as many, then spread over the hour) |
| BOLT_HUB_ADDRESS_RATE_PER_SECOND | 50                                     | sustained frames per second per client address, all its sockets together |
| BOLT_HUB_ADDRESS_RATE_BURST   | 200                                       | frames per client address allowed at once before that rate applies |
| BOLT_RETENTION_DAYS, BOLT_AUDIT_RETENTION_DAYS, BOLT_RETENTION_SWEEP_SECONDS (bolt/core/settings.py) | 90, 400, 3600 | what the retention job deletes, and how often (docs/privacy.md) |
| BOLT_LOG_FORMAT, BOLT_LOG_LEVEL (bolt/core/settings.py) | text, info | the log lines (bolt/core/logs.py) |
| BOLT_HUB_ATTACHMENT_MAX_BYTES | 10485760                                  | largest file a user or an agent may send        |
| BOLT_HUB_ATTACHMENTS_PER_CONVERSATION | 20                                | files one conversation may hold                 |
| BOLT_HUB_ATTACHMENT_MAX_PIXELS | 40000000                                 | largest image (width x height) opened: a bigger one is refused unread |
| BOLT_HUB_ATTACHMENT_LINK_SECONDS | 300                                    | how long a link to a file serves it             |
| BOLT_HUB_FILE_STORE           | folder on SQLite, database otherwise      | where files are kept: `folder` or `database`    |
| BOLT_HUB_FILES_DIR            | $BOLT_STATE_DIR/files                     | the folder of the `folder` file store           |
| BOLT_SMTP_HOST                | (none: no mail)                           | the SMTP server that mails users their tickets' confirmations and replies |
| BOLT_SMTP_PORT, BOLT_SMTP_SECURITY | 587, starttls                        | its port, and `starttls`, `tls` (implicit) or `none` (a server on this machine only) |
| BOLT_SMTP_USERNAME, BOLT_SMTP_PASSWORD | (none: no login)                  | the credentials, when the server asks for them  |
| BOLT_SMTP_FROM                | (required with BOLT_SMTP_HOST)            | the mails' sender address                       |
| BOLT_SMTP_CA_FILE             | (none: the system's CAs)                  | the CAs that the server's certificate must chain to |
| BOLT_SMTP_TIMEOUT_SECONDS     | 10                                        | longest wait for the server                     |
| BOLT_MAIL_SEND_SECONDS        | 5                                         | how often each hub looks for mails due          |
| BOLT_MAIL_LEASE_SECONDS       | 120                                       | how long a hub's claim on a mail keeps the others off it |
| BOLT_MAIL_RETRY_SECONDS, BOLT_MAIL_RETRY_MAX_SECONDS | 30, 3600           | the wait after a failed attempt, doubled each time up to the maximum |
| BOLT_DEMO (bolt/core/settings.py) | false                          | demo mode: the demo page signs in demo users (/api/demo/...) and an empty agent table gets the agent `demo` (password `demo-agent`); off, the agent `demo` cannot sign in |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from bolt.articles.settings import articles_url
from bolt.core.identity import DEFAULT_MAX_LIFETIME_SECONDS, TokenRules
from bolt.core.secrets import DEFAULT_TOKEN_KID, load_secrets
from bolt.core.settings import Settings, positive_number
from handoff.rules.client_address import Network, parse_networks
from handoff.services.mail import MailSettings
from handoff.services.smtp import SmtpSettings
from handoff.services.passwords import MIN_LOG2_N, STRONG, STRONG_LOG2_N, PasswordCost

TICK_SECONDS = 1.0
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
FILE_STORES = ("folder", "database")


@dataclass(frozen=True)
class HubSettings:
    host: str
    port: int
    database_url: str
    rasa_url: str
    rasa_timeout: float
    allowed_origins: Tuple[str, ...]
    max_frame_bytes: int
    max_text_chars: int
    rate_per_second: float
    rate_burst: int
    agent_grace_seconds: float
    offer_seconds: float
    answer_seconds: float
    tick_seconds: float
    fallback_response_hours: float
    redis_url: Optional[str]
    presence_seconds: float
    content_dir: Path
    token_secret: str
    service_token: str
    claims_secret: str
    rasa_token: str
    demo: bool = False
    metrics_token: Optional[str] = None
    metrics_seconds: float = 5.0
    token_kid: str = DEFAULT_TOKEN_KID
    previous_token_keys: Tuple[Tuple[str, str], ...] = ()
    token_issuer: Optional[str] = None
    token_audience: Optional[str] = None
    token_max_lifetime_seconds: float = DEFAULT_MAX_LIFETIME_SECONDS

    @property
    def token_rules(self) -> TokenRules:
        """What the hub asks of a help-center token."""
        keys = {**dict(self.previous_token_keys), self.token_kid: self.token_secret}
        return TokenRules(keys=keys, issuer=self.token_issuer, audience=self.token_audience,
                          max_lifetime_seconds=self.token_max_lifetime_seconds)
    password_cost: PasswordCost = STRONG
    session_hours: float = 12.0
    trusted_proxies: Tuple[Network, ...] = ()
    sockets_per_address: int = 100
    anonymous_conversations_per_hour: int = 60
    address_rate_per_second: float = 50.0
    address_rate_burst: int = 200
    redis_prefix: str = "bolt:"
    retention_days: float = 90.0
    audit_retention_days: float = 400.0
    retention_sweep_seconds: float = 3600.0
    log_format: str = "text"
    log_level: str = "info"
    help_center_origins: Tuple[str, ...] = ()
    articles_url: str = "sqlite://"
    review_low_confidence: float = 0.85
    attachment_max_bytes: int = DEFAULT_ATTACHMENT_MAX_BYTES
    attachments_per_conversation: int = 20
    attachment_max_pixels: int = 40_000_000
    attachment_link_seconds: float = 300.0
    file_store: str = "folder"
    files_dir: Path = Path("files")
    mail: MailSettings = MailSettings(smtp=None)

    def access_settings(self) -> Dict[str, Any]:
        """The settings that decide who may do what and what is kept: the audit log records
        them when a hub starts with them changed."""
        return {"demo": self.demo, "allowed_origins": sorted(self.allowed_origins),
                "token_key_ids": sorted([self.token_kid, *dict(self.previous_token_keys)]),
                "token_issuer": self.token_issuer, "token_audience": self.token_audience,
                "token_max_lifetime_seconds": self.token_max_lifetime_seconds,
                "metrics_token_set": self.metrics_token is not None,
                "password_cost": self.password_cost.log2_n, "session_hours": self.session_hours,
                "retention_days": self.retention_days,
                "audit_retention_days": self.audit_retention_days}

    def origin_allowed(self, origin: Optional[str]) -> bool:
        # Browsers always send Origin on a WebSocket; a client without one is not a web page
        # and cannot be a cross-site attack.
        if origin is None:
            return True
        return "*" in self.allowed_origins or origin.rstrip("/") in self.allowed_origins

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> HubSettings:
        env = os.environ if environ is None else environ
        bolt = Settings.from_env(env)
        secrets = load_secrets(bolt.state_dir, env)
        database_url = env.get("BOLT_HUB_DATABASE_URL") or (
            f"sqlite:///{Path(bolt.state_dir).resolve() / 'hub.sqlite3'}"
        )
        default_origins = f"http://127.0.0.1:{bolt.hub_port},http://localhost:{bolt.hub_port}"
        origins = env.get("BOLT_HUB_ALLOWED_ORIGINS") or default_origins
        allowed_origins = tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
        return cls(
            host=bolt.host,
            port=bolt.hub_port,
            database_url=database_url,
            rasa_url=(env.get("BOLT_RASA_URL") or bolt.rasa_url).rstrip("/"),
            rasa_timeout=positive_number(env, "BOLT_HUB_RASA_TIMEOUT", 10.0),
            allowed_origins=allowed_origins,
            max_frame_bytes=int(positive_number(env, "BOLT_HUB_MAX_FRAME_BYTES", 16384)),
            max_text_chars=int(positive_number(env, "BOLT_HUB_MAX_TEXT_CHARS", 4000)),
            rate_per_second=positive_number(env, "BOLT_HUB_RATE_PER_SECOND", 5.0),
            rate_burst=int(positive_number(env, "BOLT_HUB_RATE_BURST", 20)),
            agent_grace_seconds=positive_number(env, "BOLT_HUB_AGENT_GRACE_SECONDS", 60.0),
            offer_seconds=positive_number(env, "BOLT_HUB_OFFER_SECONDS", 30.0),
            answer_seconds=positive_number(env, "BOLT_HUB_ANSWER_SECONDS", 300.0),
            tick_seconds=positive_number(env, "BOLT_HUB_TICK_SECONDS", TICK_SECONDS),
            fallback_response_hours=positive_number(env, "BOLT_HUB_FALLBACK_RESPONSE_HOURS", 24.0),
            redis_url=env.get("BOLT_HUB_REDIS_URL") or None,
            presence_seconds=positive_number(env, "BOLT_HUB_PRESENCE_SECONDS", 5.0),
            content_dir=Path(env.get("BOLT_CONTENT_DIR") or bolt.data_dir),
            token_secret=secrets.token_secret,
            service_token=secrets.service_token,
            claims_secret=secrets.claims_secret,
            rasa_token=secrets.rasa_token,
            demo=bolt.demo,
            metrics_token=env.get("BOLT_HUB_METRICS_TOKEN") or None,
            metrics_seconds=positive_number(env, "BOLT_HUB_METRICS_SECONDS", 5.0),
            token_kid=secrets.token_kid,
            previous_token_keys=tuple((kid, secret) for kid, secret in secrets.token_keys().items()
                                      if kid != secrets.token_kid),
            token_issuer=env.get("BOLT_TOKEN_ISSUER") or None,
            token_audience=env.get("BOLT_TOKEN_AUDIENCE") or None,
            token_max_lifetime_seconds=positive_number(
                env, "BOLT_TOKEN_MAX_LIFETIME_SECONDS", DEFAULT_MAX_LIFETIME_SECONDS),
            password_cost=_password_cost(env),
            session_hours=positive_number(env, "BOLT_HUB_SESSION_HOURS", 12.0),
            trusted_proxies=_trusted_proxies(env),
            sockets_per_address=int(positive_number(env, "BOLT_HUB_SOCKETS_PER_ADDRESS", 100)),
            anonymous_conversations_per_hour=int(positive_number(
                env, "BOLT_HUB_ANONYMOUS_CONVERSATIONS_PER_HOUR", 60)),
            address_rate_per_second=positive_number(env, "BOLT_HUB_ADDRESS_RATE_PER_SECOND", 50.0),
            address_rate_burst=int(positive_number(env, "BOLT_HUB_ADDRESS_RATE_BURST", 200)),
            redis_prefix=env.get("BOLT_HUB_REDIS_PREFIX") or "bolt:",
            retention_days=bolt.retention_days,
            audit_retention_days=bolt.audit_retention_days,
            retention_sweep_seconds=bolt.retention_sweep_seconds,
            log_format=bolt.log_format,
            log_level=bolt.log_level,
            help_center_origins=help_center_origins(
                env.get("BOLT_HELP_CENTER_ORIGINS") or "", allowed_origins),
            articles_url=articles_url(env),
            review_low_confidence=positive_number(env, "BOLT_REVIEW_LOW_CONFIDENCE", 0.85),
            attachment_max_bytes=int(positive_number(env, "BOLT_HUB_ATTACHMENT_MAX_BYTES",
                                                     DEFAULT_ATTACHMENT_MAX_BYTES)),
            attachments_per_conversation=int(positive_number(
                env, "BOLT_HUB_ATTACHMENTS_PER_CONVERSATION", 20)),
            attachment_max_pixels=int(positive_number(env, "BOLT_HUB_ATTACHMENT_MAX_PIXELS",
                                                      40_000_000)),
            attachment_link_seconds=positive_number(env, "BOLT_HUB_ATTACHMENT_LINK_SECONDS", 300.0),
            file_store=_file_store(env, database_url),
            files_dir=Path(env.get("BOLT_HUB_FILES_DIR") or Path(bolt.state_dir) / "files"),
            mail=_mail(env),
        )


def help_center_origins(configured: str, allowed_origins: Tuple[str, ...]) -> Tuple[str, ...]:
    """The origins of the help center's own pages, whose links a card opens: those configured,
    else the pages allowed on the sockets (`*`, any page, names no help center)."""
    named = [o for o in configured.split(",") if o.strip()] or [
        o for o in allowed_origins if o != "*"]
    return tuple(dict.fromkeys(filter(None, (origin_of(o) for o in named))))


def origin_of(url: str) -> Optional[str]:
    """`scheme://host[:port]` of a web address as browsers compare them (lower case, no default
    port), or None for anything that is not http(s)."""
    parsed = urlsplit(url.strip())
    if parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
        return None
    try:
        port = parsed.port
    except ValueError:
        return None
    default = {"http": 80, "https": 443}[parsed.scheme.lower()]
    host = parsed.hostname if ":" not in parsed.hostname else f"[{parsed.hostname}]"
    return f"{parsed.scheme.lower()}://{host}" + (f":{port}" if port and port != default else "")


def _file_store(env: Mapping[str, str], database_url: str) -> str:
    """A folder beside SQLite (one hub); the database every hub reaches for any other."""
    chosen = env.get("BOLT_HUB_FILE_STORE")
    if not chosen:
        return "folder" if database_url.startswith("sqlite") else "database"
    chosen = chosen.strip().lower()
    if chosen not in FILE_STORES:
        raise SystemExit(f"BOLT_HUB_FILE_STORE must be one of {', '.join(FILE_STORES)}, "
                         f"got {chosen!r}")
    return chosen
def _mail(env: Mapping[str, str]) -> MailSettings:
    host = env.get("BOLT_SMTP_HOST") or None
    smtp = None
    if host is not None:
        sender = env.get("BOLT_SMTP_FROM") or ""
        if not sender:
            raise ValueError("BOLT_SMTP_FROM is required when BOLT_SMTP_HOST is set")
        smtp = SmtpSettings(
            host=host, port=int(positive_number(env, "BOLT_SMTP_PORT", 587)),
            security=env.get("BOLT_SMTP_SECURITY") or "starttls", sender=sender,
            username=env.get("BOLT_SMTP_USERNAME") or None,
            password=env.get("BOLT_SMTP_PASSWORD") or None,
            ca_file=env.get("BOLT_SMTP_CA_FILE") or None,
            timeout_seconds=positive_number(env, "BOLT_SMTP_TIMEOUT_SECONDS", 10.0))
    return MailSettings(
        smtp=smtp, send_seconds=positive_number(env, "BOLT_MAIL_SEND_SECONDS", 5.0),
        lease_seconds=positive_number(env, "BOLT_MAIL_LEASE_SECONDS", 120.0),
        retry_seconds=positive_number(env, "BOLT_MAIL_RETRY_SECONDS", 30.0),
        retry_max_seconds=positive_number(env, "BOLT_MAIL_RETRY_MAX_SECONDS", 3600.0))


def _password_cost(env: Mapping[str, str]) -> PasswordCost:
    log2_n = int(positive_number(env, "BOLT_HUB_PASSWORD_COST", STRONG_LOG2_N))
    if not MIN_LOG2_N <= log2_n <= 20:
        raise SystemExit(f"BOLT_HUB_PASSWORD_COST must be {MIN_LOG2_N} to 20, got {log2_n}")
    return PasswordCost(log2_n)


def _trusted_proxies(env: Mapping[str, str]) -> Tuple[Network, ...]:
    try:
        return parse_networks(env.get("BOLT_HUB_TRUSTED_PROXIES") or "")
    except ValueError as error:
        raise SystemExit(f"BOLT_HUB_TRUSTED_PROXIES: {error}") from None
