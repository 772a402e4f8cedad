"""Entities: hashtags/mentions/links, workspace dictionaries, and NER (French model).

The stage is :class:`~socialhub.enrichers.entities.stage.EntityStage` (``entities``);
``validate_entities`` checks a workspace's ``entities`` setting.
"""

from socialhub.enrichers.entities.dictionary import ENTITY_TYPES, validate_entities

__all__ = ["ENTITY_TYPES", "validate_entities"]
