"""The shared core: languages, identity, content readers, secrets, settings, accounts, text analysis.

Every part (the hub, the action server, the bot, the tools) imports it; it imports no part.
"""
