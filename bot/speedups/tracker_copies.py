"""A tracker's copy, continued from the conversation's last copy instead of replayed from the start.

Rasa 3.6's `DialogueStateTracker.copy()` makes a new tracker and replays every event of the
conversation into it (`travel_back_in_time`), and the message processor copies the tracker before
each action it runs (`_run_action`: the action runs on the copy, so that a rejected action's
policy events can be thrown away), two or three times a message. So every message cost time in
proportion to the length of its conversation: about 5% of Rasa's CPU with conversations of a few
hundred events (py-spy under bench.bot_bench, docs/performance.md). A copy of a conversation of
243 events took 151 µs replayed and takes 25 µs continued.

A copy's state is what replaying its events into the tracker's `init_copy()` makes. This keeps,
per conversation, the tracker the last copy replayed, and continues it with the events since
when the tracker's events begin with those very event objects (the tracker store hands the same
objects to every turn) and its slots, history bound and kind are the same; anything else
(another history, a rewound or bounded one, other slots) is replayed from the start, as Rasa
does. Each call returns a new tracker in the replayed state: its own list of the same events,
its own slots, active loop and latest action, and new empty messages where the replay's are the
empty ones its resets make.
"""
from __future__ import annotations

import copy
import dataclasses
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Dict, Text, Tuple

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

TESTED_ON = {"rasa": "3.6.21"}

CACHED_CONVERSATIONS = 1000

_ORIGINAL: Callable[[DialogueStateTracker], DialogueStateTracker] = DialogueStateTracker.copy


@dataclass
class _Replay:
    tracker: DialogueStateTracker
    # What a replay's start depends on besides the events.
    kind: Tuple[Any, ...]

    def continued_by(self, tracker: DialogueStateTracker) -> bool:
        seen, events = self.tracker.events, tracker.events
        return (self.kind == _kind(tracker) and len(events) >= len(seen)
                and all(old is new for old, new in zip(seen, events)))


_replays: "OrderedDict[Text, _Replay]" = OrderedDict()
_SLOT_STATE = ("_value", "_has_been_set")


def _slot_definition(slot: Any) -> Tuple[type, Dict[Text, Any]]:
    return type(slot), {key: value for key, value in vars(slot).items() if key not in _SLOT_STATE}


def _kind(tracker: DialogueStateTracker) -> Tuple[Any, ...]:
    """The slots as the domain defines them, the history's bound and the tracker's kind."""
    return (tuple(_slot_definition(slot) for slot in tracker.slots.values()),
            tracker._max_event_history, tracker.is_rule_tracker)


def _replayed(replay: _Replay, tracker: DialogueStateTracker) -> None:
    for event in islice(tracker.events, len(replay.tracker.events), None):
        replay.tracker.update(event)


def _is_empty(utterance: BotUttered) -> bool:
    """Equal to `BotUttered.empty()`, as Rasa compares them (text, and data and metadata without
    their None values), without its comparison's JSON encoding."""
    return (utterance.text is None and all(v is None for v in utterance.data.values())
            and all(v is None for v in utterance.metadata.values()))


def _detached(replayed: DialogueStateTracker) -> DialogueStateTracker:
    """A tracker in the replayed state that shares no mutable part with it but the events."""
    new = DialogueStateTracker.__new__(DialogueStateTracker)
    new.__dict__.update(replayed.__dict__)
    new.events = replayed._create_events(replayed.events)
    slots = type(replayed.slots)()
    slots.update((name, copy.copy(slot)) for name, slot in replayed.slots.items())
    new.slots = slots
    if replayed.active_loop is not None:
        new.active_loop = dataclasses.replace(replayed.active_loop)
    if replayed.latest_action is not None:
        new.latest_action = dict(replayed.latest_action)
    if replayed.latest_message is not None and replayed.latest_message.is_empty():
        new.latest_message = UserUttered.empty()
    if replayed.latest_bot_utterance is not None and _is_empty(replayed.latest_bot_utterance):
        new.latest_bot_utterance = BotUttered.empty()
    return new


def tracker_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    if type(self) is not DialogueStateTracker:
        return _ORIGINAL(self)
    replay = _replays.get(self.sender_id)
    if replay is None or not replay.continued_by(self):
        replay = _Replay(self.init_copy(), _kind(self))
    _replayed(replay, self)
    _replays[self.sender_id] = replay
    _replays.move_to_end(self.sender_id)
    while len(_replays) > CACHED_CONVERSATIONS:
        _replays.popitem(last=False)
    return _detached(replay.tracker)


def forget() -> None:
    _replays.clear()


def install() -> None:
    DialogueStateTracker.copy = tracker_copy  # type: ignore[assignment]


def uninstall() -> None:
    DialogueStateTracker.copy = _ORIGINAL  # type: ignore[assignment]
    forget()
