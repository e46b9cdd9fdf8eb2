"""`python -m handoff`: runs the hub with the settings of the environment (handoff/config.py)."""
from __future__ import annotations

import sys

from bolt.core import logs
from handoff.app import create_app
from handoff.gc_tuning import settle_for_serving
from handoff.config import HubSettings
from handoff.wire.reads import HubProtocol


def main() -> int:
    settings = HubSettings.from_env()  # a bad setting exits with a message naming it
    logs.configure("hub", settings.log_format, settings.log_level)
    app = create_app(settings)
    app.register_listener(lambda _app, _loop: settle_for_serving(), "after_server_start")
    app.run(host=settings.host, port=settings.port, access_log=False, workers=1,
            protocol=HubProtocol)
    return 0


if __name__ == "__main__":
    sys.exit(main())
