"""`python -m bolt.cli ...`: the `bolt` command without its installed script."""
import sys

from bolt.cli.main import main

sys.exit(main())
