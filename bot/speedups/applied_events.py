"""A conversation's applied events, continued from the last call instead of walked from the start.

Rasa 3.6's `DialogueStateTracker.applied_events()` walks every event of the conversation, with
isinstance tests of several event classes for each, every time it is called: before each
prediction (bot/speedups/dialogue_states.py asks for them), in the session check and in the
lookup of the last user message, several times a message. So every message cost time in
proportion to the length of its conversation: about 15% of Rasa's CPU with conversations of a
few hundred events (py-spy under bench.bot_bench, docs/performance.md).

The applied events depend only on the events, in order, and on the names of the loops activated
anywhere among them. This remembers, per conversation, the events last walked, the applied events
after them and those loops' names, and continues from there when a tracker's events begin with
those very event objects (the tracker store hands the same objects to every turn, and a tracker's
copy holds its events) and add no new loop name; anything else (another history, a loop activated
after events it changes) is walked from the start, as Rasa does. The two histories remembered
last are kept per conversation: Rasa runs an action on a copy of the tracker whose events part
from the tracker's own. Each call returns a new list, as Rasa's does.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from typing import Callable, Deque, FrozenSet, Iterable, List, Text

from rasa.shared.core.events import (
    ActionExecuted, ActionReverted, ActiveLoop, Event, Restarted, SessionStarted,
    UserUtteranceReverted, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

TESTED_ON = {"rasa": "3.6.21"}

CACHED_CONVERSATIONS = 1000
HISTORIES_PER_CONVERSATION = 2

_ORIGINAL: Callable[[DialogueStateTracker], List[Event]] = DialogueStateTracker.applied_events


@dataclass(frozen=True)
class _Walk:
    events: List[Event]
    applied: List[Event]
    loop_names: FrozenSet[Text]

    def continued_by(self, events: Deque[Event]) -> bool:
        return len(events) >= len(self.events) and \
            all(seen is event for seen, event in zip(self.events, events))


_walks: "OrderedDict[Text, List[_Walk]]" = OrderedDict()


def _loop_names(events: Iterable[Event]) -> FrozenSet[Text]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def _walk(tracker: DialogueStateTracker, events: Iterable[Event], applied: List[Event],
          loop_names: FrozenSet[Text]) -> None:
    """Rasa's loop of `applied_events`, from `applied` on over `events`."""
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)


def applied_events(self: DialogueStateTracker) -> List[Event]:
    events = self.events
    walks = _walks.get(self.sender_id, [])
    walk = None
    for known in walks:
        if known.continued_by(events):
            new = list(islice(events, len(known.events), None))
            if _loop_names(new) <= known.loop_names:
                if not new:
                    walk = known
                    break
                applied = list(known.applied)
                _walk(self, new, applied, known.loop_names)
                walk = _Walk(known.events + new, applied, known.loop_names)
                break
    if walk is None:
        every = list(events)
        names = _loop_names(every)
        applied = []
        _walk(self, every, applied, names)
        walk = _Walk(every, applied, names)
    _walks[self.sender_id] = [walk] + [w for w in walks if w is not walk][
        :HISTORIES_PER_CONVERSATION - 1]
    _walks.move_to_end(self.sender_id)
    while len(_walks) > CACHED_CONVERSATIONS:
        _walks.popitem(last=False)
    return list(walk.applied)


def forget() -> None:
    _walks.clear()


def install() -> None:
    DialogueStateTracker.applied_events = applied_events  # type: ignore[assignment]


def uninstall() -> None:
    DialogueStateTracker.applied_events = _ORIGINAL  # type: ignore[assignment]
    forget()
