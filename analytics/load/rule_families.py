"""The eligibility rule families, and whether ``festival.toml`` configures each (design section 9).

A festival's entry rules come in families, each set up by its own keys. A family that is not
configured is not run: it has no column in ``entries.csv``'s contract, no column in
``eligibility.csv``, no flag and no line in any summary. A configured family whose column is
missing from ``entries.csv`` is a load error that names the family and the column.

| family | configured by | entries columns it reads |
|---|---|---|
| ``ai_share_band`` | a lane's ``ai_share_min`` | ``ai_share`` |
| ``disclosure`` | ``[participation]`` | ``ai_share``, ``share_<dimension>`` |
| ``runtime`` | ``[requirements] feature_min_runtime`` or ``short_min_runtime`` | ``runtime_min`` |
| ``appendix`` | ``[requirements] appendix`` | ``appendix_<part>`` |
| ``authorship`` | ``[requirements] authorship_proof`` (``required`` or ``preferred``) | ``authorship_proof`` |
| ``resolution`` | ``[requirements] min_resolution_lines`` or ``preferred_resolution_lines`` | ``resolution`` |
| ``audio`` | ``[requirements] lossless_audio`` (``required`` or ``preferred``) | ``lossless_audio`` |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from analytics.base import columns as col
from analytics.load.config import FestivalConfig


@dataclass(frozen=True)
class RuleFamily:
    """One family of entry rules: ``configured(config)`` and the ``columns(config)`` it reads;
    ``keys`` says in words which keys of ``festival.toml`` set it up."""

    name: str
    words: str
    keys: str
    configured: Callable[[FestivalConfig], bool]
    columns: Callable[[FestivalConfig], tuple[str, ...]]


def _has_band(config: FestivalConfig) -> bool:
    return any(lane.ai_share_min is not None for lane in config.lanes)


def _policy(value: str | None) -> bool:
    return value in ("required", "preferred")


FAMILIES: tuple[RuleFamily, ...] = (
    RuleFamily("ai_share_band", "the AI-share band", "[[lanes]] ai_share_min", _has_band, lambda c: (col.AI_SHARE,)),
    RuleFamily("disclosure", "the disclosure check", "[participation]", lambda c: c.participation is not None,
               lambda c: (col.AI_SHARE, *(col.share_column(d) for d in c.participation.dimensions))),
    RuleFamily("runtime", "the runtime rule", "[requirements] feature_min_runtime / short_min_runtime",
               lambda c: c.requirements.feature_min_runtime is not None or c.requirements.short_min_runtime is not None,
               lambda c: (col.RUNTIME_MIN,)),
    RuleFamily("appendix", "the pipeline appendix rule", "[requirements] appendix",
               lambda c: bool(c.requirements.appendix),
               lambda c: tuple(col.appendix_column(part) for part in c.requirements.appendix)),
    RuleFamily("authorship", "the authorship proof rule", "[requirements] authorship_proof",
               lambda c: _policy(c.requirements.authorship_proof), lambda c: (col.AUTHORSHIP_PROOF,)),
    RuleFamily("resolution", "the master resolution rule", "[requirements] min_resolution_lines / preferred_resolution_lines",
               lambda c: c.requirements.min_resolution_lines is not None
               or c.requirements.preferred_resolution_lines is not None, lambda c: (col.RESOLUTION,)),
    RuleFamily("audio", "the lossless audio rule", "[requirements] lossless_audio",
               lambda c: _policy(c.requirements.lossless_audio), lambda c: (col.LOSSLESS_AUDIO,)),
)


def configured(config: FestivalConfig | None) -> tuple[RuleFamily, ...]:
    """The families ``config`` sets up, in the order above (none without a configuration)."""
    return tuple(f for f in FAMILIES if config is not None and f.configured(config))


def names(config: FestivalConfig | None) -> set[str]:
    """The names of the configured families.

    >>> from analytics import load_festival
    >>> sorted(names(load_festival("data/demo").config))
    ['ai_share_band', 'appendix', 'audio', 'authorship', 'disclosure', 'resolution', 'runtime']
    """
    return {f.name for f in configured(config)}


def needed_columns(config: FestivalConfig | None) -> dict[str, RuleFamily]:
    """Each entries column a configured family reads, with the (first) family that reads it."""
    out: dict[str, RuleFamily] = {}
    for family in configured(config):
        for column in family.columns(config):
            out.setdefault(column, family)
    return out
