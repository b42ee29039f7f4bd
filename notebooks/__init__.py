"""The workbench's notebooks, shipped inside the package as ``analytics.notebooks``
(pyproject.toml maps this folder there), so that an installed ``jury report`` finds
notebook 20 wherever it runs."""
