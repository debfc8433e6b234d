"""``python -m roster.cli``, as the ``roster`` command."""

from roster.cli import main

main()
