"""``python -m analytics`` is the ``jury`` command."""

from .cli import main

raise SystemExit(main())
