"""Reading a master's resolution as entry forms spell it.

The result is the number of lines of the shorter side (1080 for Full HD, 2160 for 4K/UHD),
which is what the festival's requirements compare (1080p minimum, 4K preferred). A
spelling that cannot be read returns ``None``: it is reported, never guessed.
"""

from __future__ import annotations

import re

#: named formats, by the lines of their shorter side
NAMED = {"8k": 4320, "6k": 3160, "5k": 2880, "4k": 2160, "uhd": 2160, "4kuhd": 2160, "uhd4k": 2160, "dci4k": 2160,
         "4kdci": 2160, "qhd": 1440, "2k": 1080, "dci2k": 1080, "fhd": 1080, "fullhd": 1080, "hd": 720, "sd": 480}
_PAIR = re.compile(r"^(\d{3,5})[x×*](\d{3,5})$")
_LINES = re.compile(r"^(\d{3,4})[pi]$")


def resolution_lines(text: str | None) -> int | None:
    """Lines of the shorter side, or ``None`` when the spelling is not recognised.

    >>> [resolution_lines(t) for t in ("3840x2160", "3840 × 2160", "4K", "UHD", "2160p", "1080p", "1920x1080", "2K")]
    [2160, 2160, 2160, 2160, 2160, 1080, 1080, 1080]
    >>> resolution_lines("1080 x 1920"), resolution_lines("DCI 4K"), resolution_lines("720p")
    (1080, 2160, 720)
    >>> resolution_lines("high quality") is None, resolution_lines("") is None
    (True, True)
    """
    if text is None or not isinstance(text, str):
        return None
    key = re.sub(r"[\s_\-]", "", text.strip().lower()).replace("×", "x")
    if key in NAMED:
        return NAMED[key]
    pair = _PAIR.match(key)
    if pair:
        return min(int(pair.group(1)), int(pair.group(2)))
    lines = _LINES.match(key)
    return int(lines.group(1)) if lines else None
