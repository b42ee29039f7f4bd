"""The vocabulary every layer speaks: column names (``columns``), the problem list of bad
input (``problems``) and progress reporting (``progress``). Imports nothing of the package."""
