"""The alert tests read the English message ids; French alerts are tested in
tests/test_i18n_french.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from socialhub.i18n import use_locale


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with use_locale("en", "UTC"):
        yield
