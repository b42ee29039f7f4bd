"""Layer 4, the checks: one module per check family, each declaring what it needs, the flag
kinds it raises, its table and its flags (``registry`` lists them and runs them; ``shared``
holds what several families use in one run; ``flags`` is the one shape of their findings)."""
