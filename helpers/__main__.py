"""`python -m helpers check|add ...`: the corpus command line (helpers.cli)."""
import sys

from .cli import main

sys.exit(main(prog="python -m helpers"))
