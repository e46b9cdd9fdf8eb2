"""Rasa speed-ups: each module changes how fast Rasa answers, never what it answers."""
