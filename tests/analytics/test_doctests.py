"""The runnable examples in the detectors' docstrings run and pass."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["volume", "emerging", "sentiment_shift", "complaints", "runner", "smallcounts"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"socialhub.analytics.detectors.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
