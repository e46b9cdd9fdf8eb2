"""Bolt's shared core (bolt/core), its command line (bolt/cli), and the tools the command drives.

- bolt/core: imported by every part (handoff, actions, bot) and by the tools; imports none of them.
- bolt/cli: the `bolt` command; imports every part, and nothing imports it.
- bolt/editing, bolt/processes.py, bolt/training.py: the content tools, the process runner and
  the model training that the command line drives.
"""
