"""Layer 1, reading and validating a festival folder: ``config`` (festival.toml on pydantic),
``schema`` (the input tables), ``reading`` and ``validation`` (the two halves of the load),
``festival`` (:func:`~analytics.load.festival.load_festival`, the validated :class:`Festival`),
``rule_families`` (which entry rules festival.toml configures), ``tools`` and ``resolution``
(entry forms' spellings of tools and resolutions). Loading runs no check and no official rule."""
