"""The suggestion log holds users' questions: each row names its conversation and signed-in user,
a store made before those columns gets them, and the log is found, erased and swept by them."""
import time

from sqlalchemy import create_engine, inspect, text

from bolt.articles import store

FOUND = [store.Suggested("tasklane", "3600001001", "forgot", 0.8)]


def test_a_store_made_before_the_columns_gets_them_and_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'articles.sqlite3'}"
    old = create_engine(url)
    with old.begin() as connection:
        connection.execute(text(
            "CREATE TABLE article_suggestions (id INTEGER PRIMARY KEY, at FLOAT NOT NULL, "
            "language VARCHAR(8) NOT NULL, question TEXT NOT NULL, source VARCHAR(200), "
            "external_id VARCHAR(200), anchor VARCHAR(200), rank INTEGER, score FLOAT)"))
        connection.execute(text("INSERT INTO article_suggestions (at, language, question) "
                                "VALUES (1.0, 'en', 'kept')"))
    old.dispose()
    engine = store.open_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("article_suggestions")}
    assert {"conversation_id", "user_id"} <= columns
    store.record_suggestions(engine, "new", "en", FOUND, conversation_id="c-1", user_id="u-1")
    assert [r["question"] for r in store.suggestions_of(engine, "u-1")] == ["new"]
    with engine.connect() as connection:
        assert connection.execute(text(
            "SELECT count(*) FROM article_suggestions")).scalar() == 2
    engine.dispose()
    store.open_engine(url).dispose()  # opening again adds nothing twice


def test_a_users_questions_are_theirs_by_id_or_by_conversation(tmp_path):
    engine = store.open_engine(f"sqlite:///{tmp_path / 'articles.sqlite3'}")
    now = time.time()
    store.record_suggestions(engine, "signed in", "de", FOUND, at=now, conversation_id="c-1",
                             user_id="u-1")
    store.record_suggestions(engine, "in their chat", "de", [], at=now, conversation_id="c-2")
    store.record_suggestions(engine, "someone else", "de", FOUND, at=now - 100 * 86400,
                             conversation_id="c-3", user_id="u-2")
    assert [r["question"] for r in store.suggestions_of(engine, "u-1", ["c-2"])] == [
        "signed in", "in their chat"]
    assert store.suggestions_before(engine, now - 90 * 86400) == 1
    assert store.forget_suggestions_before(engine, now - 90 * 86400) == 1
    assert store.erase_suggestions(engine, "u-1", ["c-2"]) == 2
    assert store.suggestions_of(engine, "u-2") == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM article_suggestions")).scalar() == 0
