"""A quarantine row's stored location ("line 2") is shown in the reader's language; the
shapes this version does not know, and the JSON path part, stay as stored."""

from __future__ import annotations

import pytest

from socialhub.i18n import use_locale
from socialhub.records.quarantine import display_location


@pytest.mark.parametrize(
    ("stored", "french"),
    [
        ("line 2", "ligne 2"),
        ("lines 3-5", "lignes 3 à 5"),
        ("record 4 (line 9)", "enregistrement 4 (ligne 9)"),
        ("line 3, data[0]", "ligne 3, data[0]"),
        ("record 2 (line 5), data[1]", "enregistrement 2 (ligne 5), data[1]"),
        ("line 7, column 3", "ligne 7, colonne 3"),
        ("line 12345", "ligne 12\u202f345"),
        ("seq 12", "seq 12"),  # a bus sequence: as stored
        ("x:1234", "x:1234"),  # a mention id
        ("lineage 2", "lineage 2"),
        ("", ""),
    ],
)
def test_known_shapes_read_french_and_the_rest_as_stored(stored: str, french: str) -> None:
    with use_locale("fr"):
        assert display_location(stored) == french
    with use_locale("en"):
        assert display_location(stored) == stored.replace("12345", "12,345")
