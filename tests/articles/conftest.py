"""The article store for each test: a SQLite file in tmp_path, and the same tests on PostgreSQL
when scripts/with-scale-services gives one (BOLT_TEST_POSTGRES_URL)."""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy.engine import Engine

from bolt.articles.store import open_engine
from support.services import fresh_postgres_database, postgres_url

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = open_engine(f"sqlite:///{tmp_path / 'articles.sqlite3'}")
        yield engine
        engine.dispose()
        return
    server = postgres_url()
    if server is None:
        pytest.skip("no PostgreSQL: BOLT_TEST_POSTGRES_URL is set by scripts/with-scale-services")
    with fresh_postgres_database(server) as url:
        engine = open_engine(url)
        yield engine
        engine.dispose()
