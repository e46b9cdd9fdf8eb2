"""The hub's services: conversations, the agent desk, dispatch, presence, fan-out, Rasa, agent accounts."""
