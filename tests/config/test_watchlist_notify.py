"""Issue 14: a watchlist's ``notify`` and severity floor, from TOML to the store and back."""

from __future__ import annotations

import pytest

from socialhub.config import ConfigError, apply_config, export_config, parse_config
from socialhub.store.base import Store

TOML = """
[[workspace]]
slug = "com"
name = "Com"
  [[workspace.watchlist]]
  name = "Journalistes"
  list_type = "journalist"
  notify = "email"
  min_severity = 6
  members = [ { handle = "hmarchetti", platform = "x" } ]
  [[workspace.watchlist]]
  name = "Influenceurs"
  list_type = "influencer"
  members = [ { handle = "zoe", platform = "x" } ]
"""


def test_notify_round_trip(sqlite_store: Store) -> None:
    report = apply_config(parse_config(TOML), sqlite_store)
    assert report.counts["watchlist"]["created"] == 2
    ws = sqlite_store.workspaces.get_workspace("com")
    assert ws is not None
    lists = {w.name: w for w in sqlite_store.workspaces.list_watchlists(ws.id)}
    assert (lists["Journalistes"].notify, lists["Journalistes"].min_severity) == ("email", 6)
    assert (lists["Influenceurs"].notify, lists["Influenceurs"].min_severity) == ("digest", 0)
    text = export_config(sqlite_store)
    assert 'notify = "email"' in text and "min_severity = 6" in text
    again = apply_config(parse_config(text), sqlite_store)
    assert again.counts["watchlist"]["unchanged"] == 2
    changed = apply_config(parse_config(TOML.replace('"email"', '"inapp"')), sqlite_store)
    assert changed.counts["watchlist"]["updated"] == 1


@pytest.mark.parametrize("line", ['notify = "sms"', "min_severity = 11", 'min_severity = "5"'])
def test_bad_notify_is_refused(line: str) -> None:
    with pytest.raises(ConfigError):
        parse_config(TOML.replace('notify = "email"', line))
