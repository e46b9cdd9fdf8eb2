"""What one client address may have of the hub at once and over time: open sockets, new
anonymous conversations, frames. Clock-free: the time is passed in.

A client address is what handoff/rules/client_address.py makes of a request. Many people can
share one (an office behind one gateway), so these limits are set well above what one person
does; they stop one machine from holding every socket, filling the database with empty
conversations or out-talking everyone else.
"""
from __future__ import annotations

from typing import Dict

from handoff.rules.rate_limits import Limiter

SECONDS_PER_HOUR = 3600.0


class AddressLimits:
    def __init__(self, sockets: int, anonymous_conversations_per_hour: int,
                 rate_per_second: float, burst: int) -> None:
        self.max_sockets = sockets
        self.sockets: Dict[str, int] = {}
        self.conversations = Limiter(anonymous_conversations_per_hour / SECONDS_PER_HOUR,
                                     anonymous_conversations_per_hour)
        self.frames = Limiter(rate_per_second, burst)

    def socket_opened(self, address: str) -> bool:
        """Counts a new socket of `address`; False (and not counted) when it has too many."""
        open_now = self.sockets.get(address, 0)
        if open_now >= self.max_sockets:
            return False
        self.sockets[address] = open_now + 1
        return True

    def socket_closed(self, address: str) -> None:
        left = self.sockets.get(address, 0) - 1
        if left > 0:
            self.sockets[address] = left
        else:
            self.sockets.pop(address, None)

    def new_anonymous_conversation(self, now: float, address: str) -> bool:
        return self.conversations.allow(now, address)

    def frame(self, now: float, address: str) -> bool:
        return self.frames.allow(now, address)
