"""``python -m analytics`` is the ``jury`` command."""

from analytics.apps.cli import main

raise SystemExit(main())
