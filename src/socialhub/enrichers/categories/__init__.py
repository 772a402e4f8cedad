"""Custom categories from a few example sentences (few-shot on the shared encoder).

>>> from socialhub.enrichers.categories import validate_categories
>>> validate_categories([{"name": "vip", "examples": ["a sentence"], "threshold": 2}])
['categories[0] (vip): threshold must be a number between 0 and 1 (exclusive)']

A workspace sets ``categories`` in ``[workspace.settings]`` (a list of
``{name, label_fr?, label_en?, examples, threshold?}``); without it the shipped telecom
set (``defaults.toml``) applies. See docs/models/categories.md.
"""

from socialhub.enrichers.categories.model import (
    Category,
    CategoryModel,
    background_examples,
    default_categories,
    parse_categories,
    validate_categories,
)

__all__ = [
    "Category",
    "CategoryModel",
    "background_examples",
    "default_categories",
    "parse_categories",
    "validate_categories",
]
