"""The SQL account directory and the CSV import, on real SQLite files (and, inside
scripts/with-scale-services, the directory's own tests on a fresh PostgreSQL database too)."""
import itertools
from contextlib import ExitStack

import pytest

from bolt.core.accounts_csv import COLUMNS, AccountsFileError, parse_accounts_csv
from actions.accounts.directory import DirectoryUnavailable, SqlAccountDirectory
from actions.accounts.policy import PLANS, ROLES, SUPPORT_PLANS
from actions.services import DEMO_ACCOUNTS_FILE, open_directory
from actions.config import ActionSettings
from bolt.cli.main import main as bolt
from support import services
from support.ports import free_port

HEADER = ",".join(COLUMNS)


def csv_text(*rows):
    return "\n".join((HEADER,) + rows) + "\n"


@pytest.fixture
def directory(tmp_path):
    with ExitStack() as stack:
        url = f"sqlite:///{tmp_path / 'sub' / 'accounts.sqlite3'}"
        if services.postgres_url():
            url = stack.enter_context(services.fresh_postgres_database(services.postgres_url()))
        directory = SqlAccountDirectory.from_url(url)
        directory.create_schema()
        yield directory
        directory.dispose()


def test_saved_users_are_found_with_their_account(directory):
    directory.save(parse_accounts_csv(csv_text(
        "acme,Acme GmbH,business,premier,u-42,Erika Muster,admin,true,de,de",
        "acme,Acme GmbH,business,premier,u-43,Max Muster,member,no,,",
    )))
    erika = directory.find("acme", "u-42")
    assert (erika.account.name, erika.account.plan, erika.account.support_plan) == (
        "Acme GmbH", "business", "premier")
    assert (erika.user.role, erika.user.licensed, erika.user.country, erika.user.language) == (
        "admin", True, "DE", "de")
    max_ = directory.find("acme", "u-43")
    assert max_.user.licensed is False and max_.user.country is None
    assert directory.find("acme", "u-44") is None
    assert directory.find("other", "u-42") is None  # a user is found only in their own account


def test_importing_again_updates_in_place(directory):
    directory.save(parse_accounts_csv(csv_text("acme,Acme,pro,access,u1,A,member,false,,")))
    directory.save(parse_accounts_csv(csv_text("acme,Acme,enterprise,premier_plus,u1,A,owner,true,,")))
    entry = directory.find("acme", "u1")
    assert (entry.account.plan, entry.user.role, entry.user.licensed) == ("enterprise", "owner", True)
    assert len(directory.users()) == 1


def test_every_bad_row_is_reported_with_its_line():
    text = csv_text(
        "acme,Acme,gold,access,u1,A,boss,maybe,DEU,xx",
        "acme,Acme,pro,access,u2,B,member,true,DE,de",
        "acme,Acme Corp,pro,access,u3,C,member,true,DE,de",
        "acme,Acme,pro,access,u2,B again,member,true,DE,de",
        ",,pro,access,,,member,true,,",
    )
    with pytest.raises(AccountsFileError) as refused:
        parse_accounts_csv(text, "people.csv")
    problems = refused.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 4", "line 5", "line 6"]
    assert "plan 'gold'" in problems[0] and "role 'boss'" in problems[0]
    assert "licensed 'maybe'" in problems[0] and "country 'DEU'" in problems[0]
    assert "language 'xx'" in problems[0]
    assert "differs from line 3" in problems[1]
    assert "already on line 3" in problems[2]
    assert "account_id is empty" in problems[3] and "user_id is empty" in problems[3]
    assert str(refused.value).startswith("people.csv: 4 problem(s)")


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(AccountsFileError, match="line 1: missing columns .*support_plan"):
        parse_accounts_csv("account_id,account_name,plan\nacme,Acme,pro\n")
    with pytest.raises(AccountsFileError, match="no rows"):
        parse_accounts_csv(HEADER + "\n")


def test_the_demo_accounts_cover_every_plan_support_plan_role_and_licence():
    data = parse_accounts_csv(DEMO_ACCOUNTS_FILE.read_text(encoding="utf-8"))
    accounts = {a.account_id: a for a in data.accounts}
    combinations = {(accounts[u.account_id].plan, accounts[u.account_id].support_plan, u.role,
                     u.licensed) for u in data.users}
    assert combinations == set(itertools.product(PLANS, SUPPORT_PLANS, ROLES, (True, False)))
    assert len({u.user_id for u in data.users}) == len(data.users)  # `bolt token --user` finds one


def test_an_empty_directory_gets_the_demo_accounts_once_in_demo_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
    config = ActionSettings.from_env({"BOLT_ACCOUNTS_DATABASE_URL": url, "BOLT_DEMO": "true"})
    first = open_directory(config)
    assert first.find("demo-pro-access", "pro-access-owner-licensed").user.role == "owner"
    first.directory.save(parse_accounts_csv(csv_text("acme,Acme,pro,access,u1,A,member,false,,")))
    second = open_directory(config)
    second.prepare()
    assert len(second.directory.users()) == 108 + 1
    off = open_directory(ActionSettings.from_env({
        "BOLT_ACCOUNTS_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "BOLT_DEMO": "false"}))
    assert off.find("demo-pro-access", "pro-access-owner-licensed") is None


def test_an_action_server_started_with_no_environment_loads_no_demo_accounts(tmp_path):
    config = ActionSettings.from_env({"BOLT_STATE_DIR": str(tmp_path)})  # nothing about the demo
    directory = open_directory(config)
    directory.prepare()
    assert directory.find("demo-pro-access", "pro-access-owner-licensed") is None
    assert directory.directory.users() == []


def test_an_unreachable_database_raises_directory_unavailable():
    down = SqlAccountDirectory.from_url(
        f"postgresql://bolt@127.0.0.1:{free_port()}/accounts?connect_timeout=2")
    with pytest.raises(DirectoryUnavailable, match="postgresql://bolt@127.0.0.1"):
        down.find("acme", "u1")


def test_bolt_accounts_import_writes_all_rows_or_none(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
    monkeypatch.setenv("BOLT_ACCOUNTS_DATABASE_URL", url)
    monkeypatch.setenv("BOLT_STATE_DIR", str(tmp_path / "state"))
    good = tmp_path / "good.csv"
    good.write_text(csv_text("acme,Acme,pro,access,u1,A,member,true,IT,it",
                             "acme,Acme,pro,access,u2,B,admin,true,IT,it"), encoding="utf-8")
    assert bolt(["accounts", "import", str(good)]) == 0
    assert "Imported 1 accounts and 2 users" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text("beta,Beta,pro,access,u9,Z,member,true,IT,it",
                            "beta,Beta,pro,access,u10,Z,chief,true,IT,it"), encoding="utf-8")
    assert bolt(["accounts", "import", str(bad)]) == 1
    error = capsys.readouterr().err
    assert "line 3: role 'chief'" in error and "Nothing was imported." in error
    directory = SqlAccountDirectory.from_url(url)
    assert [u.user.user_id for u in directory.users()] == ["u1", "u2"]
    assert directory.find("beta", "u9") is None
    assert bolt(["accounts", "import", str(tmp_path / "missing.csv")]) == 1


def test_bolt_token_signs_a_demo_user_in(tmp_path, monkeypatch, capsys):
    from bolt.core.identity import verify_token
    from bolt.core.secrets import load_secrets

    monkeypatch.setenv("BOLT_ACCOUNTS_DATABASE_URL", f"sqlite:///{tmp_path / 'accounts.sqlite3'}")
    monkeypatch.setenv("BOLT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("BOLT_DEMO", "true")
    monkeypatch.delenv("BOLT_TOKEN_SECRET", raising=False)
    assert bolt(["accounts", "list"]) == 0
    listing = capsys.readouterr().out
    assert "enterprise-premier-plus-owner-licensed" in listing and len(listing.splitlines()) == 109
    assert bolt(["token", "--user", "enterprise-premier-plus-owner-licensed"]) == 0
    token = capsys.readouterr().out.strip()
    identity = verify_token(token, load_secrets(tmp_path / "state").token_secret)
    assert (identity.user_id, identity.account_id) == (
        "enterprise-premier-plus-owner-licensed", "demo-enterprise-premier-plus")
    assert bolt(["token", "--user", "nobody"]) == 1
    assert "not in the directory" in capsys.readouterr().err


def test_a_users_email_address_is_imported_and_found(directory):
    directory.save(parse_accounts_csv(csv_text(
        "acme,Acme GmbH,business,premier,u-42,Erika Muster,admin,true,DE,de, erika@acme.example ",
        "acme,Acme GmbH,business,premier,u-43,Max Muster,member,no,,,",
    )))
    assert directory.find("acme", "u-42").user.email == "erika@acme.example"
    assert directory.find("acme", "u-43").user.email is None


def test_a_file_without_the_email_column_gives_no_addresses():
    old_header = ",".join(name for name in COLUMNS if name != "email")
    data = parse_accounts_csv(old_header + "\nacme,Acme,pro,access,u1,A,member,true,IT,it\n")
    assert [user.email for user in data.users] == [None]


@pytest.mark.parametrize("address", ["erika", "erika@", "a b@acme.example",
                                     "erika@acme.example, max@acme.example", "<e@acme.example>"])
def test_what_is_not_one_email_address_is_refused_with_its_line(address):
    with pytest.raises(AccountsFileError) as refused:
        parse_accounts_csv(csv_text(f'acme,Acme,pro,access,u1,A,member,true,IT,it,"{address}"'))
    assert "line 2" in str(refused.value) and "is not an e-mail address" in str(refused.value)


def test_a_directory_made_before_email_addresses_gets_the_column(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE accounts (account_id VARCHAR(128) PRIMARY KEY, name VARCHAR(256) "
                   "NOT NULL, plan VARCHAR(32) NOT NULL, support_plan VARCHAR(32) NOT NULL)")
        db.execute("CREATE TABLE users (account_id VARCHAR(128) REFERENCES accounts(account_id),"
                   " user_id VARCHAR(128), name VARCHAR(256) NOT NULL, role VARCHAR(32) NOT NULL,"
                   " licensed BOOLEAN NOT NULL, country VARCHAR(2), language VARCHAR(8),"
                   " PRIMARY KEY (account_id, user_id))")
        db.execute("INSERT INTO accounts VALUES ('acme', 'Acme', 'pro', 'access')")
        db.execute("INSERT INTO users VALUES ('acme', 'u1', 'A', 'member', 1, NULL, NULL)")
    directory = SqlAccountDirectory.from_url(f"sqlite:///{path}")
    directory.create_schema()
    directory.create_schema()  # a second start finds the column there
    assert directory.find("acme", "u1").user.email is None
    directory.save(parse_accounts_csv(csv_text("acme,Acme,pro,access,u1,A,member,true,,,a@acme.example")))
    assert directory.find("acme", "u1").user.email == "a@acme.example"
    directory.dispose()
