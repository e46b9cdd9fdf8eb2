"""The hub's rules: who holds a conversation, queue order, throttles, rate limits. Pure: no clock, storage or socket."""
