"""Layer 6, presentation: what the checks and the gate show, in words and pages.

- ``summary``: the text summary of ``jury check``; ``exports`` and ``manifest``: the tables
  and their hashes on disk;
- ``sections``: :class:`~analytics.present.sections.Report`, the report's parts for one
  audience; ``tables``: the public and the chair's result tables; ``methods``: method notes;
  ``pseudonyms``: J1 … Jn for the public, and the check that no juror identity is left;
  ``html``, ``assemble``, ``pdf``: pages and their printing;
- ``feedback``: one confidential page per juror; ``explorer_tables``: the explorer's tables;
- ``viz``: charts (altair, offline).
"""
