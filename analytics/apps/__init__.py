"""Layer 7, the applications: the ``jury`` command (``cli``), the report runner (``report``),
the chair explorer's what-if logic and widgets (``explorer``, ``explorer_app``, ``widgets``)."""
