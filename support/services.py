"""The PostgreSQL and Redis that `scripts/with-scale-services` starts, for tests and benchmarks.

Without BOLT_TEST_POSTGRES_URL / BOLT_TEST_REDIS_URL the suites run on SQLite and the in-process
broker only; `make test` runs them a second time inside scripts/with-scale-services.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def postgres_url() -> Optional[str]:
    return os.environ.get("BOLT_TEST_POSTGRES_URL") or None


def redis_url() -> Optional[str]:
    return os.environ.get("BOLT_TEST_REDIS_URL") or None


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server for one test; dropped afterwards."""
    name = f"bolt_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(server_url).set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
