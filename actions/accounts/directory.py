"""The account directory: which accounts and users exist, their plans, roles and licences.

`AccountDirectory` is what the account check needs; `SqlAccountDirectory` keeps it in any
SQLAlchemy database (a SQLite file by default, see actions/config.py). A database that cannot be
reached raises `DirectoryUnavailable`, never a wrong answer.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, List, Optional, Protocol

from sqlalchemy import (
    Boolean, Column, ForeignKey, String, create_engine, delete, inspect, select, text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, declarative_base

from actions.accounts.policy import Member
from actions.metrics import DIRECTORY_ERRORS
from bolt.core.accounts import Account, DirectoryData, User
from bolt.core.private_files import private_sqlite


class DirectoryUnavailable(RuntimeError):
    """The directory could not be asked (database down, unreachable, broken)."""


@dataclass(frozen=True)
class AccountUser:
    """A user as the account check sees them: with their account."""

    account: Account
    user: User

    @property
    def member(self) -> Member:
        return Member(
            plan=self.account.plan,
            support_plan=self.account.support_plan,
            role=self.user.role,
            licensed=self.user.licensed,
        )


class AccountDirectory(Protocol):
    def find(self, account_id: str, user_id: str) -> Optional[AccountUser]:
        """The user of that account, None if there is no such user; DirectoryUnavailable."""


Base = declarative_base()


class AccountRow(Base):
    __tablename__ = "accounts"

    account_id = Column(String(128), primary_key=True)
    name = Column(String(256), nullable=False)
    plan = Column(String(32), nullable=False)
    support_plan = Column(String(32), nullable=False)


class UserRow(Base):
    __tablename__ = "users"

    account_id = Column(String(128), ForeignKey("accounts.account_id"), primary_key=True)
    user_id = Column(String(128), primary_key=True)
    name = Column(String(256), nullable=False)
    role = Column(String(32), nullable=False)
    licensed = Column(Boolean, nullable=False)
    country = Column(String(2))
    language = Column(String(8))
    email = Column(String(320))


class SqlAccountDirectory:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def from_url(cls, url: str) -> SqlAccountDirectory:
        private_sqlite(url)
        # Bound parameters (user ids, names) stay out of the logged database errors.
        return cls(create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True))

    def create_schema(self) -> None:
        """The tables, made when missing; a directory made before users had an e-mail address
        gets the column (empty until the next import)."""
        with self._unavailable_on_error():
            Base.metadata.create_all(self._engine)
            columns = {column["name"] for column in inspect(self._engine).get_columns("users")}
            if "email" not in columns:
                with self._engine.begin() as connection:
                    connection.execute(text("ALTER TABLE users ADD COLUMN email VARCHAR(320)"))

    def is_empty(self) -> bool:
        with self._unavailable_on_error(), Session(self._engine) as session:
            return session.execute(select(AccountRow.account_id).limit(1)).first() is None

    def find(self, account_id: str, user_id: str) -> Optional[AccountUser]:
        query = (
            select(AccountRow, UserRow)
            .join(UserRow, UserRow.account_id == AccountRow.account_id)
            .where(AccountRow.account_id == account_id, UserRow.user_id == user_id)
        )
        with self._unavailable_on_error(), Session(self._engine) as session:
            found = session.execute(query).first()
            if found is None:
                return None
            return AccountUser(account=_account(found[0]), user=_user(found[1]))

    def users(self) -> List[AccountUser]:
        query = (
            select(AccountRow, UserRow)
            .join(UserRow, UserRow.account_id == AccountRow.account_id)
            .order_by(AccountRow.account_id, UserRow.user_id)
        )
        with self._unavailable_on_error(), Session(self._engine) as session:
            return [AccountUser(_account(a), _user(u)) for a, u in session.execute(query)]

    def entries_of(self, user_id: str) -> List[AccountUser]:
        """The user's entries, in every account that has them (`bolt privacy export`)."""
        query = (
            select(AccountRow, UserRow)
            .join(UserRow, UserRow.account_id == AccountRow.account_id)
            .where(UserRow.user_id == user_id)
            .order_by(AccountRow.account_id)
        )
        with self._unavailable_on_error(), Session(self._engine) as session:
            return [AccountUser(_account(a), _user(u)) for a, u in session.execute(query)]

    def erase_user(self, user_id: str) -> int:
        """Deletes the user's entries (`bolt privacy erase`); their accounts stay. The help
        center's next import of them brings them back."""
        with self._unavailable_on_error(), Session(self._engine) as session, session.begin():
            return session.execute(delete(UserRow).where(UserRow.user_id == user_id)).rowcount

    def save(self, data: DirectoryData) -> None:
        """Adds or updates every account and user, all in one transaction."""
        with self._unavailable_on_error(), Session(self._engine) as session, session.begin():
            for account in data.accounts:
                session.merge(AccountRow(
                    account_id=account.account_id, name=account.name, plan=account.plan,
                    support_plan=account.support_plan,
                ))
            session.flush()
            for user in data.users:
                session.merge(UserRow(
                    account_id=user.account_id, user_id=user.user_id, name=user.name,
                    role=user.role, licensed=user.licensed, country=user.country,
                    language=user.language, email=user.email,
                ))

    def dispose(self) -> None:
        self._engine.dispose()

    @contextmanager
    def _unavailable_on_error(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as error:
            DIRECTORY_ERRORS.inc()
            where = self._engine.url.render_as_string(hide_password=True)
            raise DirectoryUnavailable(f"the account directory {where} failed: {error}") from error


def _account(row: AccountRow) -> Account:
    return Account(row.account_id, row.name, row.plan, row.support_plan)


def _user(row: UserRow) -> User:
    return User(
        row.account_id, row.user_id, row.name, row.role, bool(row.licensed), row.country,
        row.language, row.email,
    )
