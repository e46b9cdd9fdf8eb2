"""The reports for supervisors: the figures of a period (handoff/rules/report_figures.py) from the
conversations still held and the daily aggregates of those deleted, filtered by language, topic
and agent, and the same as CSV (one row per conversation, one per day and language). Only
supervisors read them; each CSV export is recorded in the audit log.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from handoff.rules.report_facts import Facts, facts_of
from handoff.rules.report_figures import (
    CONVERSATION_COLUMNS, DAY_COLUMNS, UNKNOWN_AGENT, conversation_row, day_rows, report,
)
from handoff.services.audit import REPORTS_EXPORTED, Audit, agent_actor
from handoff.store import report_reads
from handoff.store.repository import Repository
from handoff.store.schema import Agent

# The longest period one report covers.
MAX_DAYS = 366
DEFAULT_DAYS = 7


class NotSupervisor(PermissionError):
    """Reports are for supervisors only."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    language: Optional[str] = None
    topic: Optional[str] = None
    agent: Optional[str] = None

    @property
    def whole(self) -> bool:
        """Whether the daily aggregates belong in it: they have no topic or agent."""
        return self.topic is None and self.agent is None

    def wants(self, facts: Facts) -> bool:
        return ((self.topic is None or facts.topic == self.topic)
                and (self.agent is None or (facts.agent or UNKNOWN_AGENT) == self.agent))


def period(first: Optional[str], last: Optional[str], today: date, language: Optional[str],
           topic: Optional[str], agent: Optional[str], languages: Sequence[str]) -> Period:
    """The period asked for (ISO dates; the last DEFAULT_DAYS days by default); ValueError
    saying what is wrong otherwise."""
    try:
        end = date.fromisoformat(last) if last else today
        start = date.fromisoformat(first) if first else end - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        raise ValueError("'from' and 'to' are dates such as 2026-12-01") from None
    if start > end:
        raise ValueError("'from' is after 'to'")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValueError(f"a report covers at most {MAX_DAYS} days")
    if language is not None and language not in languages:
        raise ValueError(f"'language' must be one of {', '.join(languages)}")
    for name, value in (("topic", topic), ("agent", agent)):
        if value is not None and not 0 < len(value) <= 128:
            raise ValueError(f"'{name}' is 1 to 128 characters")
    return Period(start, end, language or None, topic or None, agent or None)


class Reports:
    def __init__(self, repository: Repository, audit: Audit, retention_days: float,
                 clock: Callable[[], datetime]) -> None:
        self.repository = repository
        self.audit = audit
        self.retention_days = retention_days
        self.clock = clock

    @staticmethod
    def check(agent: Optional[Agent]) -> Agent:
        if agent is None or not agent.supervisor:
            raise NotSupervisor("reports are for supervisors")
        return agent

    def _read(self, wanted: Period) -> Tuple[List[Facts], List[Dict[str, Any]], Optional[date]]:
        now = self.clock()
        with self.repository.engine.connect() as connection:
            rows = report_reads.conversation_rows(connection, wanted.first, wanted.last,
                                                  wanted.language)
            aggregates = (report_reads.aggregate_rows(connection, wanted.first, wanted.last,
                                                      wanted.language)
                          if wanted.whole else [])
            oldest = report_reads.oldest_held(connection)
        facts = [f for f in (facts_of(row, now) for row in rows) if wanted.wants(f)]
        return facts, aggregates, oldest

    def figures(self, agent: Optional[Agent], wanted: Period) -> Dict[str, Any]:
        self.check(agent)
        facts, aggregates, oldest = self._read(wanted)
        figures = report(facts, aggregates)
        figures["period"] = {"from": wanted.first.isoformat(), "to": wanted.last.isoformat(),
                             "language": wanted.language, "topic": wanted.topic,
                             "agent": wanted.agent, "aggregates_included": wanted.whole}
        figures["retention_days"] = self.retention_days
        figures["held_since"] = oldest.isoformat() if oldest else None
        # Before this day retention may have deleted conversations: only their daily aggregates
        # remain there (no percentiles, topics, agents or missed questions).
        figures["aggregates_only_before"] = (
            self.clock().date() - timedelta(days=self.retention_days)).isoformat()
        return figures

    def conversations_csv(self, agent: Optional[Agent], wanted: Period,
                          origin: Optional[str]) -> str:
        checked = self.check(agent)
        facts, _, _ = self._read(wanted)
        self._exported(checked, origin, "conversations", wanted, len(facts))
        return _csv(CONVERSATION_COLUMNS, [conversation_row(f) for f in facts])

    def days_csv(self, agent: Optional[Agent], wanted: Period, origin: Optional[str]) -> str:
        checked = self.check(agent)
        facts, aggregates, _ = self._read(wanted)
        rows = day_rows(facts, aggregates)
        self._exported(checked, origin, "days", wanted, len(rows))
        return _csv(DAY_COLUMNS, rows)

    def _exported(self, agent: Agent, origin: Optional[str], kind: str, wanted: Period,
                  rows: int) -> None:
        self.audit.record(agent_actor(agent.name, origin), REPORTS_EXPORTED, csv=kind,
                          period_from=wanted.first.isoformat(), period_to=wanted.last.isoformat(),
                          language=wanted.language, topic=wanted.topic, agent=wanted.agent,
                          rows=rows)


def _csv(columns: Sequence[str], rows: Sequence[Dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        # A cell a spreadsheet would run as a formula is kept as text.
        writer.writerow({name: _cell(row.get(name, "")) for name in columns})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
