"""Run the command line with ``python -m smartcity_kg``."""

from .cli import main

main()
