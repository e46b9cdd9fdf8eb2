"""The dialogue states of a conversation, computed once per event instead of once per prediction.

Before each prediction Rasa 3.6 turns the whole conversation into its list of dialogue states
(`Domain.states_for_tracker_history`): it replays every event into a fresh tracker and builds a
state before each action, so each prediction, two or three a message, cost time in proportion
to the length of the conversation: the largest part of the policy's time, and a quarter of
Rasa's CPU per message after 20 turns (py-spy, docs/performance.md).

The states before an action depend only on the events before it, so this remembers, per
conversation, the events already turned into states, the replayed tracker at their end and the
states, and continues from there when the next call's events begin with those very event
objects (bot/stores/sqlite_trackers.py hands the same objects to every turn). Anything else (another
domain, other options, an edited or rewound history) is computed from the start, as Rasa does.
Callers change the lists they get (Rasa's featurizers delete keys of the last state), so each
call returns copies, keeping which states share a part as Rasa's own lists do.
"""
from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa.shared.core import constants
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

TESTED_ON = {"rasa": "3.6.21"}

CACHED_CONVERSATIONS = 1000

_ORIGINAL: Callable[..., List[State]] = Domain.states_for_tracker_history


@dataclass
class _History:
    domain: Domain
    options: Tuple[bool, bool, Optional[Dict[Text, Any]]]
    replayed: DialogueStateTracker
    events: List[Event] = field(default_factory=list)
    states: List[State] = field(default_factory=list)
    # The loop variables of Rasa's `states_for_tracker_history`, as they are after `events`.
    last_ml_action_sub_state: Optional[SubState] = None
    turn_was_hidden: bool = False

    def continues(self, domain: Domain, options: Tuple[Any, ...], applied: List[Event]) -> bool:
        return (self.domain is domain and self.options == options
                and len(applied) >= len(self.events)
                and all(seen is event for seen, event in zip(self.events, applied)))


_histories: "OrderedDict[Text, _History]" = OrderedDict()


def _next_state(domain: Domain, history: _History, tracker: DialogueStateTracker,
                hide_rule_turn: bool) -> Optional[State]:
    """One step of Rasa's loop over the prior trackers: the state before the next action, or
    None for a hidden rule turn. Updates the loop variables in `history`."""
    omit_unset_slots, ignore_rule_only_turns, rule_only_data = history.options
    if ignore_rule_only_turns:
        if not history.turn_was_hidden:
            history.last_ml_action_sub_state = domain._get_prev_action_sub_state(tracker)
        if not tracker.followup_action and not tracker.latest_action_name == \
                tracker.active_loop_name:
            history.turn_was_hidden = hide_rule_turn
        if history.turn_was_hidden:
            return None
    state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if history.states:
            domain._substitute_rule_only_user_input(state, history.states[-1])
        if history.last_ml_action_sub_state:
            state[constants.PREVIOUS_ACTION] = history.last_ml_action_sub_state
    return domain._clean_state(state)


def _copies(states: List[State]) -> List[State]:
    """New states and new parts, shared among themselves where the originals were shared."""
    copied: Dict[int, Any] = {}
    result = []
    for state in states:
        new = {}
        for kind, part in state.items():
            if id(part) not in copied:
                copied[id(part)] = dict(part)
            new[kind] = copied[id(part)]
        result.append(new)
    return result


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[State]:
    options = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    applied = tracker.applied_events()
    history = _histories.get(tracker.sender_id)
    if history is None or not history.continues(self, options, applied):
        history = _History(self, options, tracker.init_copy())
    for event in applied[len(history.events):]:
        if isinstance(event, ActionExecuted):
            state = _next_state(self, history, history.replayed, event.hide_rule_turn)
            if state is not None:
                history.states.append(state)
        history.replayed.update(event)
        history.events.append(event)
    _histories[tracker.sender_id] = history
    _histories.move_to_end(tracker.sender_id)
    while len(_histories) > CACHED_CONVERSATIONS:
        _histories.popitem(last=False)
    # The state after the last event: for this call only (the next event may change it), so
    # its step runs on a copy of the loop variables.
    final = _next_state(self, dataclasses.replace(history), history.replayed, False)
    return _copies(history.states + ([final] if final is not None else []))


def forget() -> None:
    _histories.clear()


def install() -> None:
    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[assignment]


def uninstall() -> None:
    Domain.states_for_tracker_history = _ORIGINAL  # type: ignore[assignment]
    forget()
