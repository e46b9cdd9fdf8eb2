"""Rasa's tracker and lock stores as Bolt configures them."""
