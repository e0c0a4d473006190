"""Run the ``quotegraph`` command as ``python -m quotegraph``."""

from quotegraph.cli import main

main()
