"""The files' HTTP endpoints: uploads by users (`POST /api/chat/files`, from the sidebar, on the
help center's origin too) and by agents (`POST /api/agent/files`, from the console), and the
expiring links that serve a file (`GET /files/<id>`), docs/protocol.md "Files".

A file is served with a type that runs no script (the images' own, or a PDF's as a download),
`X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, Optional, Tuple
from urllib.parse import quote

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json as json_response, raw

from bolt.core.identity import InvalidToken, verify_token
from handoff.rules.client_address import client_address
from handoff.rules.rate_limits import Limiter
from handoff.rules.uploads import PDF
from handoff.services.conversations import Visitor
from handoff.services.hub import Hub
from handoff.wire.protocol import ID_CHARS, ProtocolError, unstorable

files = Blueprint("hub_files")
NAME_CHARS = 1000
# Uploads per client address: a burst of this many, then one every UPLOAD_SECONDS; so that no
# one address fills the disk through conversations of its own.
UPLOAD_BURST = 20
UPLOAD_SECONDS = 6.0
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
# The HTTP status of each refusal of an upload.
STATUS = {"file_too_large": 413, "file_type": 415, "file_unreadable": 422, "file_empty": 422,
          "image_too_large": 413, "too_many_files": 409, "forbidden": 403, "not_yours": 403,
          "login_failed": 401, "invalid_field": 400, "missing_field": 400,
          "rate_limited": 429, "unavailable": 503}


def _refused(code: str, message: str, field: Optional[str] = None,
             headers: Optional[Dict[str, str]] = None, max_bytes: int = 0) -> HTTPResponse:
    body: Dict[str, Any] = {"code": code, "error": message}
    if field:
        body["field"] = field
    if code == "file_too_large":
        body["max_bytes"] = max_bytes
    return json_response(body, status=STATUS.get(code, 400), headers=headers or {})


def _cross_origin(request: Request) -> Dict[str, str]:
    origin = request.headers.get("origin")
    if origin and request.app.ctx.hub.settings.origin_allowed(origin):
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}


def _origin_refused(request: Request) -> bool:
    return not request.app.ctx.hub.settings.origin_allowed(request.headers.get("origin"))


@files.options("/api/chat/files")
@files.options("/api/agent/files")
async def preflight(request: Request) -> HTTPResponse:
    headers = _cross_origin(request)
    if headers:
        headers.update({"Access-Control-Allow-Methods": "POST",
                        "Access-Control-Allow-Headers": "authorization, content-type",
                        "Access-Control-Max-Age": "600"})
    return HTTPResponse(status=204, headers=headers)


def _parameters(request: Request) -> Tuple[str, str, str]:
    values = []
    for name, limit in (("conversation_id", ID_CHARS), ("client_id", ID_CHARS),
                        ("name", NAME_CHARS)):
        value = request.args.get(name)
        if not value:
            raise ProtocolError("missing_field", f"'{name}' is required", field=name)
        if len(value) > limit or unstorable(value):
            raise ProtocolError("invalid_field", f"'{name}' is not a usable value", field=name)
        values.append(value)
    return values[0], values[1], values[2]


@files.listener("before_server_start")
async def count_uploads(app: Any, _loop: Any) -> None:
    app.ctx.uploads = Limiter(1.0 / UPLOAD_SECONDS, UPLOAD_BURST)


def _uploads_allowed(request: Request) -> bool:
    """Whether the client's address may send one more file now (handoff/rules/rate_limits.py)."""
    ctx = request.app.ctx
    settings = ctx.hub.settings
    address = client_address(request.ip, request.headers.get("x-forwarded-for"),
                             settings.trusted_proxies)
    return ctx.uploads.allow(time.monotonic(), f"upload:{address}")


def _credential(request: Request, scheme: str) -> Optional[str]:
    given = request.headers.get("authorization", "")
    prefix = scheme + " "
    return given[len(prefix):].strip() or None if given.startswith(prefix) else None


async def _body(request: Request, max_bytes: int) -> bytes:
    """The uploaded bytes, read no further than one byte past the limit."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ProtocolError("file_too_large", f"files are limited to {max_bytes} bytes")
    parts, size = [], 0
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            break
        size += len(chunk)
        if size > max_bytes:
            raise ProtocolError("file_too_large", f"files are limited to {max_bytes} bytes")
        parts.append(chunk)
    return b"".join(parts)


@files.post("/api/chat/files", stream=True)
async def user_upload(request: Request) -> HTTPResponse:
    """A user's file, sent with the help center's token (`Authorization: Bearer …`) or, for an
    anonymous visitor, the conversation's resume key (`Authorization: Resume …`)."""
    hub: Hub = request.app.ctx.hub
    cors = _cross_origin(request)
    if _origin_refused(request):
        return _refused("forbidden", "this origin may not send files")
    try:
        if not _uploads_allowed(request):
            raise ProtocolError("rate_limited", "too many files from your address: slow down")
        conversation_id, client_id, name = _parameters(request)
        identity = None
        token = _credential(request, "Bearer")
        if token:
            try:
                identity = verify_token(token, hub.settings.token_rules)
            except InvalidToken:
                raise ProtocolError("forbidden", "no such conversation of yours",
                                    field="conversation_id") from None
        visitor = Visitor(identity=identity, locale=None, conversation_id=conversation_id)
        conversation = hub.repository.conversation(conversation_id)
        if conversation is None or not hub.conversations.may_open(
                visitor, conversation, _credential(request, "Resume")):
            raise ProtocolError("forbidden", "no such conversation of yours",
                                field="conversation_id")
        visitor.locale = conversation.locale
        content = await _body(request, hub.settings.attachment_max_bytes)
        ack = await hub.attachments.from_user(visitor, conversation, client_id, name, content)
    except ProtocolError as error:
        return _refused(error.code, str(error), error.field, cors,
                        hub.settings.attachment_max_bytes)
    return json_response(ack, status=200 if ack["duplicate"] else 201, headers=cors)


@files.post("/api/agent/files", stream=True)
async def agent_upload(request: Request) -> HTTPResponse:
    """An agent's file in a chat they hold, sent with their session (`Authorization: Bearer …`)."""
    hub: Hub = request.app.ctx.hub
    if _origin_refused(request):
        return _refused("forbidden", "this origin may not send files")
    try:
        if not _uploads_allowed(request):
            raise ProtocolError("rate_limited", "too many files from your address: slow down")
        conversation_id, client_id, name = _parameters(request)
        session = _credential(request, "Bearer")
        if not session:
            raise ProtocolError("login_failed", "a session token is required")
        agent = hub.desk.sign_in.with_session(session)
        content = await _body(request, hub.settings.attachment_max_bytes)
        ack = await hub.attachments.from_agent(agent, conversation_id, client_id, name, content)
    except ProtocolError as error:
        return _refused(error.code, str(error), error.field,
                        max_bytes=hub.settings.attachment_max_bytes)
    return json_response(ack, status=200 if ack["duplicate"] else 201)


@files.get("/files/<file_id>")
async def serve_file(request: Request, file_id: str) -> HTTPResponse:
    """The file an unexpired, untampered link names."""
    attachments = request.app.ctx.hub.attachments
    why = attachments.refusal(file_id, request.args.get("expires"), request.args.get("sig"))
    if why is not None:
        code = "link_expired" if why == "expired" else "link_invalid"
        return json_response({"code": code, "error": f"this link is {why}: ask for a new one"},
                             status=403)
    stored = await asyncio.get_running_loop().run_in_executor(None, attachments.read, file_id)
    if stored is None:
        return json_response({"code": "not_found", "error": "the file is gone"}, status=404)
    how = "attachment" if stored.content_type == PDF else "inline"
    return raw(stored.content, content_type=stored.content_type, headers={
        "Content-Disposition": f"{how}; filename*=UTF-8''{quote(stored.name, safe='')}",
        "Content-Security-Policy": FILE_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=60",
        "Cross-Origin-Resource-Policy": "cross-origin",
    })
