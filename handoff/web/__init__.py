"""The hub's HTTP side: the hand-off API, the pages (sidebar demo, console) and their static files."""
