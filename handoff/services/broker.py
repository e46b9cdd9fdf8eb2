"""Fan-out of frames to the sockets that listen on a topic.

The topics are named in handoff/services/topics.py. The hub talks to the Broker interface only, so
a broker between several hub processes (handoff/services/redis_broker.py) replaces the in-process
one.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Mapping, Protocol, Set


class Subscriber(Protocol):
    def deliver(self, frame: Mapping[str, Any]) -> None:
        """Queues the frame for sending; never blocks."""


class Broker(ABC):
    @abstractmethod
    def subscribe(self, topic: str, subscriber: Subscriber) -> None: ...

    @abstractmethod
    def unsubscribe(self, topic: str, subscriber: Subscriber) -> None: ...

    @abstractmethod
    def publish(self, topic: str, frame: Mapping[str, Any]) -> None:
        """To the topic's sockets on every hub."""

    def publish_local(self, topic: str, frame: Mapping[str, Any]) -> None:
        """To the topic's sockets on this hub only (what each hub derives for itself)."""
        self.publish(topic, frame)

    async def start(self) -> None:
        """Connects to whatever carries frames between hubs (nothing, in one process)."""

    async def stop(self) -> None:
        """Lets published frames leave, then disconnects."""

    async def answers(self) -> bool:
        """Whether what carries frames between hubs answers now (in one process, always)."""
        return True


class LocalBroker(Broker):
    """One hub process: topics are sets of the sockets connected to it."""

    def __init__(self) -> None:
        self.topics: Dict[str, Set[Subscriber]] = {}

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        self.topics.setdefault(topic, set()).add(subscriber)

    def unsubscribe(self, topic: str, subscriber: Subscriber) -> None:
        subscribers = self.topics.get(topic)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self.topics[topic]

    def publish(self, topic: str, frame: Mapping[str, Any]) -> None:
        for subscriber in list(self.topics.get(topic, ())):
            subscriber.deliver(frame)
