"""Publishing results: the post-festival report (public and chair), safe to hand out.

- :mod:`.pseudonyms`: J1 … Jn for the public, and the check that no juror identity is left;
- :mod:`.sections`: :class:`Report`, the report's parts for one audience;
- :mod:`.html`: escaped tables, charts as inline SVG images, the self-contained page;
- :mod:`.methods`: method notes and references;
- :mod:`.pdf`: the public report printed to PDF by headless Chromium.
"""

from .pseudonyms import identity_leaks, pseudonyms
from .sections import Report

__all__ = ["Report", "identity_leaks", "pseudonyms"]
