"""The shared core: languages, identity, content readers, secrets, settings, accounts, text analysis,
the hand-off request the action server sends the hub.

Every part (the hub, the action server, the bot, the tools) imports it; it imports no part.
"""
