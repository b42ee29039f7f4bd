"""Layer 3, the competition's own rules: ``scoring`` (each juror's weighted total),
``official`` (the official panel rule: order, criteria, jurors, trims, clips, rounding half up)
and ``rounds`` (who took part in each round, each round's result and who went on). One
implementation, used by every table that shows an official number."""
