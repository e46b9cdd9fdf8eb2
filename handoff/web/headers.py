"""The security headers on every HTTP answer of the hub: its pages run only the scripts of
/static (no inline script), are framed only by the allowed origins, are never sniffed as
another type, and send no referrer."""
from __future__ import annotations

import re
from typing import Dict, Iterable

from sanic import Request

# A Host header that is a host name or address with an optional port, and nothing else.
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")
REFERRER_POLICY = "no-referrer"


def frame_ancestors(allowed_origins: Iterable[str]) -> str:
    """The help centers allowed to use the hub (BOLT_HUB_ALLOWED_ORIGINS) may also frame it."""
    origins = tuple(allowed_origins)
    if "*" in origins:
        return "*"
    return " ".join(("'self'",) + tuple(o for o in origins if _is_origin(o)))


def content_security_policy(request: Request, ancestors: str) -> str:
    connect = ["'self'"]
    host = request.host
    # Older browsers do not count ws: to the page's own host as 'self'.
    if host and _HOST.match(host):
        connect += [f"ws://{host}", f"wss://{host}"]
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        f"connect-src {' '.join(connect)}", "object-src 'none'", "base-uri 'none'",
        "form-action 'self'", f"frame-ancestors {ancestors}",
    ])


def security_headers(request: Request, ancestors: str) -> Dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(request, ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": REFERRER_POLICY,
    }


def _is_origin(origin: str) -> bool:
    # A value that could end the directive or start another one is left out, not passed on.
    return bool(origin) and not re.search(r"[\s;,']", origin)
