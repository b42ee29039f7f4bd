"""Juror pseudonyms for public outputs, and the check that no juror identity is left in them.

A public report names jurors ``J1`` … ``Jn``. The numbers run lane by lane (in the order of
``festival.toml``), so a reader sees which pseudonyms judged together; inside a lane the
order is keyed on a digest of the scores as loaded, which are confidential, so knowing the
public roster (or the order of ``jurors.csv``) does not tell who is who. The same inputs
give the same pseudonyms, and every section and table of one report uses the same ones.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
from dataclasses import dataclass

import pandas as pd

from analytics.base import columns as col
from analytics.load.festival import Festival

PREFIX = "J"
FALLBACK_PREFIX = "Juror "  # when the festival's own juror ids look like J1, J2, …


def _key(festival: Festival) -> bytes:
    scores = festival.scores[[col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE]]
    text = scores.astype(str).sort_values([col.ENTRY_ID, col.JUROR_ID, col.CRITERION]).to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).digest()


def pseudonyms(festival: Festival) -> dict[str, str]:
    """``juror_id -> "J1"`` … ``"Jn"`` for every juror of the festival (its verifiers last).

    >>> from analytics import load_festival
    >>> names = pseudonyms(load_festival("data/demo"))
    >>> len(names), sorted(names.values(), key=lambda p: int(p[1:]))[:3]
    (27, ['J1', 'J2', 'J3'])
    """
    key = _key(festival)
    lanes = {lane.id: i for i, lane in enumerate(festival.config.lanes)}
    jurors = festival.juror_lanes.drop_duplicates(col.JUROR_ID)  # one pseudonym per person: their first lane
    order = sorted(zip(jurors[col.JUROR_ID], jurors[col.LANE]),
                   key=lambda row: (lanes.get(row[1], len(lanes)), hmac.new(key, str(row[0]).encode("utf-8"), "sha256").digest()))
    # verifiers (design section 17: they assess AI participation and judge nothing) after every juror
    verifiers = festival.jurors.loc[festival.is_verifier, col.JUROR_ID]
    order += sorted(((v, "") for v in verifiers), key=lambda row: hmac.new(key, str(row[0]).encode("utf-8"), "sha256").digest())
    ids = {str(j).strip().lower() for j, _ in order}
    prefix = PREFIX if not ids & {f"{PREFIX}{i}".lower() for i in range(1, len(order) + 1)} else FALLBACK_PREFIX
    return {juror: f"{prefix}{i}" for i, (juror, _) in enumerate(order, start=1)}


def _latin(text: str) -> bool:
    return not re.search(r"[^\x00-\x7f]", text)


def _pattern(text: str) -> re.Pattern:
    """How one juror id or name is searched for: a Latin-script one as a whole word in any case;
    one in another script (CJK …) anywhere, as it has no word boundaries to lean on."""
    escaped = re.escape(text)
    if not _latin(text):
        return re.compile(escaped)
    return re.compile(rf"(?<![\w-]){escaped}(?![\w-])", re.IGNORECASE)


def _trie(terms: list[str]) -> str:
    """A regular expression matching exactly ``terms``, shaped as a trie (one branch per next
    character), so a search costs about the same for 20 terms as for 20,000; the longest term
    wins where several start at one place."""
    root: dict = {}
    for term in terms:
        node = root
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(root)


@dataclass(frozen=True)
class _Searcher:
    """Every juror id and name of a festival, searched for in one pass over a text."""

    terms: tuple[tuple[str, str], ...]  # (what it is, the id or name) in the order they are reported
    latin: re.Pattern | None
    other: re.Pattern | None

    @classmethod
    def of(cls, festival: Festival) -> _Searcher:
        terms = []
        for juror, name in zip(festival.jurors[col.JUROR_ID], festival.jurors[col.NAME]):
            if not str(juror).strip().isdigit():
                terms.append(("juror id", str(juror)))
            if isinstance(name, str) and name.strip():
                terms.append(("juror name", name.strip()))
        latin = sorted({text.lower() for _, text in terms if _latin(text)})
        other = sorted({text for _, text in terms if not _latin(text)})
        # a lookahead, so that terms that start inside another match are found too
        return cls(tuple(terms),
                   re.compile(rf"(?<![\w-])(?=({_trie(latin)})(?![\w-]))", re.IGNORECASE) if latin else None,
                   re.compile(f"(?=({_trie(other)}))") if other else None)

    def found(self, text: str) -> list[str]:
        """The terms in ``text``. The search stops at every place where a term starts and takes
        the longest one there, so a term is missed only when a longer one starts at the same
        place: it is then a prefix of that match, and the prefixes are looked up too."""
        keys = set()
        for pattern, latin in ((self.latin, True), (self.other, False)):
            for match in (m.group(1) for m in pattern.finditer(text)) if pattern else ():
                for end in range(1, len(match) + 1):
                    if not latin or end == len(match) or not _WORD.match(match[end]):
                        keys.add(match[:end].lower() if latin else match[:end])
        return [f"{kind} {term!r}" for kind, term in self.terms if (term.lower() if _latin(term) else term) in keys]


_WORD = re.compile(r"[\w-]")


def identity_leaks(text: str, festival: Festival, searcher: _Searcher | None = None) -> list[str]:
    """Every juror id and juror name found in ``text`` (HTML entities decoded first); empty when none.

    Ids and Latin-script names match as whole words in any case (a name in capitals in a
    title is still a name; a juror called Ed is refused for the "ed." of a reference, which
    the error message says how to avoid), names in other scripts anywhere. Ids made of digits
    only are not searched for: they cannot be told from the numbers of a report (public tables
    hold no id column whatever the ids look like). One pass over the text finds them all
    (``searcher``, made once per festival by :func:`leak_searcher`, spares making it again for
    each text): the cost follows the text, not the text times the jurors.

    >>> from analytics import load_festival
    >>> f = load_festival("data/demo")
    >>> identity_leaks("J1 and J2 agreed; GC-01 won", f)
    []
    >>> identity_leaks("JR02 (周曉彤) declared a conflict", f)
    ["juror id 'JR02'", "juror name '周曉彤'"]
    """
    return (searcher or leak_searcher(festival)).found(html.unescape(text))


def leak_searcher(festival: Festival) -> _Searcher:
    """The search :func:`identity_leaks` makes for ``festival``, to reuse over many texts."""
    return _Searcher.of(festival)


def pseudonymise(table: pd.DataFrame, labels: dict[str, str], column: str = col.JUROR_ID) -> pd.DataFrame:
    """A copy with ``column`` (juror ids) replaced by a ``juror`` column of pseudonyms."""
    out = table.copy()
    position = list(out.columns).index(column)
    out.insert(position, "juror", out.pop(column).map(labels))
    return out
