"""Layer 2, statistics that know nothing of festivals: ``agreement`` (alpha, ICC, kappas,
Kendall's W, rank correlations), ``additive`` (the crossed entry + juror model) and
``randomness`` (counter-based draws that do not depend on the order of work)."""
