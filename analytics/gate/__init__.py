"""Layer 5, the publication gate: the chair's decisions applied to the checks' flags, and the
verdict (``decisions``)."""
