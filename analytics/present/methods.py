"""The report's method notes and their references (cited by the sections).

Each note names the check families it describes (:data:`analytics.checks.registry.REGISTRY`);
a note is shown when at least one of them runs for the festival, so a family that is not
configured leaves no method note behind (nor its references: :data:`RASCH_REFERENCES` are listed
only where ``[rasch]`` is).
"""

from __future__ import annotations

import re

from markupsafe import Markup

from analytics.checks.rasch import MISFIT_RANGE, MISFIT_Z, UNEXPECTED_Z
from analytics.checks.registry import REGISTRY
from analytics.load import rule_families
from analytics.load.config import FestivalConfig
from analytics.rules.ranked import rule_words
from analytics.present.render import render

REFERENCES = (
    ("Krippendorff 2011", ("Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School "
                          "for Communication, University of Pennsylvania.")),
    ("Krippendorff 2004", ("Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology, 2nd ed., "
                          "ch. 11. Sage.")),
    ("Shrout & Fleiss 1979", ("Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater "
                             "reliability. Psychological Bulletin 86(2), 420–428.")),
    ("McGraw & Wong 1996", ("McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation "
                           "coefficients. Psychological Methods 1(1), 30–46.")),
    ("Koo & Li 2016", ("Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass correlation "
                      "coefficients for reliability research. Journal of Chiropractic Medicine 15(2), 155–163.")),
    ("Kendall & Babington Smith 1939", ("Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. "
                                       "Annals of Mathematical Statistics 10(3), 275–287.")),
    ("Iglewicz & Hoaglin 1993", ("Iglewicz, B., & Hoaglin, D. C. (1993). How to Detect and Handle Outliers. ASQC "
                                "Quality Press.")),
    ("Efron & Tibshirani 1993", "Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall."),
    ("Holm 1979", ("Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of "
                  "Statistics 6(2), 65–70.")),
    ("Searle, Casella & McCulloch 1992", ("Searle, S. R., Casella, G., & McCulloch, C. E. (1992). Variance Components, "
                                         "ch. 5. Wiley.")),
    ("Benjamini & Hochberg 1995", ("Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a "
                                  "practical and powerful approach to multiple testing. Journal of the Royal Statistical "
                                  "Society B 57(1), 289–300.")),
)

#: the sources of the Rasch note, listed only where festival.toml has [rasch]
RASCH_REFERENCES = (
    ("Linacre 1989", "Linacre, J. M. (1989). Many-Facet Rasch Measurement. MESA Press, Chicago."),
    ("Andrich 1978", ("Andrich, D. (1978). A rating formulation for ordered response categories. Psychometrika 43(4), "
                     "561–573.")),
    ("Masters 1982", "Masters, G. N. (1982). A Rasch model for partial credit scoring. Psychometrika 47(2), 149–174."),
    ("Wright & Masters 1982", "Wright, B. D., & Masters, G. N. (1982). Rating Scale Analysis. MESA Press, Chicago."),
    ("Bock & Aitkin 1981", ("Bock, R. D., & Aitkin, M. (1981). Marginal maximum likelihood estimation of item "
                           "parameters: application of an EM algorithm. Psychometrika 46(4), 443–459.")),
)


FACET_PLURALS = {"entry": "entries", "juror": "jurors", "criterion": "criteria"}


def _rasch_note(config: FestivalConfig) -> str:
    """The Rasch note, in the words of this festival's ``[rasch]``."""
    rasch = config.rasch
    model = ("Andrich's rating scale model, one set of thresholds for every criterion [Andrich 1978]"
             if rasch.model == "rating_scale" else
             "the partial credit model, each criterion with thresholds of its own [Masters 1982]")
    floating = FACET_PLURALS.get(rasch.floating, rasch.floating)
    estimation = (f"by joint maximum likelihood as the FACETS program does, every facet centred on 0 but the {floating}, "
                  "without bias correction" if rasch.estimation == "jmle" else
                  "by marginal maximum likelihood, the entries a normal population [Bock & Aitkin 1981]")
    extra = (f" The model has the further facets {', '.join(rasch.facets)}." if rasch.facets else "")
    low, high = MISFIT_RANGE
    return (f"Where the festival asks for it, each lane (and round) is also fitted by the many-facet Rasch model "
            "[Linacre 1989]: the log-odds of a score rather than the next lower one are the entry's measure minus "
            "the juror's severity minus the criterion's difficulty minus the threshold of that score, the scores "
            f"taken as ordered categories (the scores given, in order), under {model}; estimated {estimation}."
            f"{extra} Each measure has its model standard error and infit and outfit mean-squares (1 as the model "
            f"expects; a juror outside {low:g}–{high:g} with |z| of {MISFIT_Z:g} or more is flagged); each facet "
            "its separation, strata and reliability [Wright & Masters 1982]. Ratings with a standardised residual of "
            f"{UNEXPECTED_Z:g} or more are listed, and flagged beyond a Bonferroni bound at 5% over the lane's "
            "ratings; each juror's extra severity on a criterion (and on entries sharing their affiliation) is "
            "estimated with every other measure held fixed, FACETS' bias analysis.")


def notes(config: FestivalConfig) -> list[tuple[str, str]]:
    """The method notes for this festival's configuration: (title, text) each, for the check
    families that run (a note with no family is about every festival)."""
    checks, aggregation = config.checks, config.aggregation
    if config.scale.ranks:
        combined = (f"Each juror ranks the entries they judge (1 = best); the official result is "
                    f"{rule_words(aggregation)}" + (", as the Official Board of Ballroom Dancing's rulebook sets the rules out"
                                                    if aggregation.jurors == "majority" else "") + ".")
    elif len(config.criteria) == 1:
        combined = f"Each juror gives one score ({config.criteria[0].label}), aggregated over jurors by {aggregation.jurors}."
    else:
        how = "weighted mean" if aggregation.criteria == "weighted_mean" else "weighted sum"
        factors = ", ".join(f"{c} {w:.3g}" for c, w in config.criterion_weights().items())
        own = "; ".join(f"{lane.name}: " + ", ".join(f"{c} {w:.3g}" for c, w in config.criterion_weights(lane.id).items())
                        for lane in config.lanes if lane.weights is not None)
        combined = (f"Each juror's criterion scores are combined as a {how} (factors: {factors}"
                    + (f"; lanes with weights of their own: {own}" if own else "")
                    + f"), then aggregated over jurors by {aggregation.jurors}.")
    families = rule_families.configured(config)
    shown = [
        ({"rankings", "entry_scores"}, "Scores and rankings", (f"{combined} Beside the official ranking the workbench shows z-scored, median, "
         f"{aggregation.trim:.0%}-trimmed-mean and model-adjusted rankings side by side, so a reader sees "
         "whether a place depends on the method.")),
        ({"rankings"}, "Robustness", (f"Jurors are resampled with replacement {checks.bootstrap_resamples:,} times (seed {checks.seed}) "
         "(where every juror of a lane scored one entry, as in a conference whose reviews are each by their own reviewer, "
         "each entry's own jurors, so that no entry is left without scores; where panels rotate between performances, "
         "each rotation's jurors from that rotation; where juries of juries vote, the juries, and each drawn jury's "
         "jurors within it, and one jury at a time is left out; a resample that leaves an entry without scores does "
         "not rank it) "
         "and the entries re-ranked each time: the share of resampled juries that put an entry first is its probability "
         f"of first place [Efron & Tibshirani 1993]. A first place below {checks.p_first_min:.0%}, one that changes when "
         "any single juror is left out, or a tie within noise, blocks publication until the chair decides.")),
        ({"agreement"}, "Agreement", ("Krippendorff's alpha with the interval and ordinal metrics, which allow missing scores and "
         "incomplete designs [Krippendorff 2011]; bands as Krippendorff recommends: at least .800 reliable, "
         f"{checks.agreement_min_alpha:g} to .800 tentative [Krippendorff 2004]. Intraclass correlations in the "
         "Shrout–Fleiss forms, estimated for incomplete designs by Henderson's method III [Shrout & Fleiss 1979; "
         "McGraw & Wong 1996; Searle, Casella & McCulloch 1992], read with Koo & Li's bands [Koo & Li 2016]; "
         "Kendall's W for the panel's rankings [Kendall & Babington Smith 1939]. Intervals are percentile bootstrap "
         "intervals over entries [Efron & Tibshirani 1993].")),
        ({"juror_behaviour", "residuals"}, "Jurors", ("Places far from what the entry's place and the juror predict are "
         f"robust outliers beyond a modified z-score of {checks.residual_cutoff:g} [Iglewicz & Hoaglin 1993]; a juror "
         "who ranks the entries unlike the rest of the panel (Spearman's rho with the others' mean places) is flagged. "
         "Severity, straight-lining and drift need a score scale and are not computed on places.")
         ) if config.scale.ranks else
        ({"juror_severity", "juror_behaviour", "residuals"}, "Jurors", ("Severity comes from an additive model, score = entry + juror + noise, fitted by least squares "
         "on every score, which also serves panels where not every juror scores every entry; a juror whose "
         f"effect exceeds ±{checks.severity_max:g} points is flagged. Scores far from what the model expects are "
         f"robust outliers beyond a modified z-score of {checks.residual_cutoff:g} [Iglewicz & Hoaglin 1993]. "
         f"Straight-lining (score spread below {checks.straightline_max_sd:g}), halo and out-of-line ranking "
         "are flagged for the chair's attention.")),
        *([({"eligibility", "score_effects"}, "Eligibility, AI participation and tools", (
            "Eligibility follows the festival's rules: " + ", ".join(f.words for f in families) + ". Whether scores "
            "follow the AI share (Spearman's rho) or a tool (difference in means) is tested with bootstrap intervals "
            "and permutation p-values, adjusted for the number of tools [Holm 1979]."))] if families else []),
        ({"affiliation"}, "Affiliations", ("Each juror's scores on entries that share their declared affiliation are "
         "compared with their scores on the rest, relative to the other jurors on the same entries and with the juror's "
         "general generosity removed; permutation p-values are adjusted across the jurors of a lane to control the "
         "false discovery rate [Benjamini & Hochberg 1995].")),
        ({"drift"}, "Drift", ("Where scores carry the time they were given, each juror's residuals are correlated with "
         "the order of their scores (Spearman's rho) and tested by permutation, adjusted as for affiliations "
         "[Benjamini & Hochberg 1995].")),
        *([({"rasch"}, "Rasch measurement", _rasch_note(config))] if config.rasch is not None else []),
        ({"collusion"}, "Jurors who agree too well", ("Each juror's marks are standardised over the entries they judged "
         "and the entry's mean taken off: their departures from the panel. Each pair of jurors who judged "
         f"{checks.collusion_min_common} or more entries in common is tested on the correlation of their departures "
         "against a permutation null that draws, on each common entry, two jurors of its panel at random "
         f"({checks.collusion_permutations:,} draws); where juries sit within a lane, each jury's pooled agreement is "
         "tested against juries of the same size drawn from the panel. p-values are adjusted across a lane's pairs "
         f"(and juries) to control the false discovery rate at {checks.collusion_fdr:g} [Benjamini & Hochberg 1995], "
         "and a pair or jury is flagged only where its agreement also stands out among the lane's (robust z of 3 "
         "or more).")),
        (set(), "Reproducibility", ("Every number comes from the input files plus the chair's recorded decisions; the same "
         "inputs give the same numbers (every random step is seeded). manifest.json lists the SHA-256 of every input "
         "and output; `jury verify` checks them again.")),
    ]
    running = {check.name for check in REGISTRY if check.configured(config)}
    return [(title, text) for families, title, text in shown if not families or families & running]


def notes_html(config: FestivalConfig) -> Markup:
    """The method notes for this festival's configuration, then the references (``sections/method.html.j2``)."""
    shown = notes(config)
    rasch = [r for r in RASCH_REFERENCES if any(re.search(rf"[\[;]\s*{re.escape(r[0])}\s*[\];]", text)
                                                for _, text in shown)]
    return render("sections/method.html.j2", notes=shown, references=REFERENCES + tuple(rasch))
