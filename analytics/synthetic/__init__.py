"""Synthetic festivals for demos, examples, tests and benchmarks (``demo``, ``examples``),
written as ordinary festival folders; labelled synthetic."""
