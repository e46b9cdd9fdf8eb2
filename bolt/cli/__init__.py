"""The `bolt` command line (bolt/cli/main.py): it imports every part, and no part imports it."""
