"""Bolt: the `bolt` command and the content models shared by the bot and the action server."""
