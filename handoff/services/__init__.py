"""The hub's services, wired together in hub.py: conversations, the agent desk, hand-offs,
dispatch, presence, the timeline, topics and fan-out, Rasa, agent accounts."""
