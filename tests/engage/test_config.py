"""[[official_account]] and [workspace.settings.engagement] in the configuration file."""

from __future__ import annotations

from typing import Any

import pytest

from socialhub.config import apply_config
from socialhub.config.load import parse_config
from socialhub.config.model import ConfigError
from socialhub.engage.policy import policy_from

GOOD = """
[[workspace]]
slug = "mirabelle-com"
name = "Communication"
  [workspace.settings.engagement]
  first_response_minutes = 30
  approver_roles = ["press"]

[[official_account]]
platform = "x"
handle = "@MirabelleFR"
workspaces = ["mirabelle-com"]
credentials = { token = "SOCIALHUB_X_TOKEN" }
native_id = "4242"
"""


def test_accounts_and_policy_are_applied(store: Any) -> None:
    report = apply_config(parse_config(GOOD), store)
    assert report.counts["official_account"]["created"] == 1
    account = store.engage.find_account("x", "mirabellefr")
    assert account is not None and account.workspaces == ["mirabelle-com"]
    assert account.credentials == {"token": "SOCIALHUB_X_TOKEN"}  # the NAME, never a value
    ws = store.workspaces.get_workspace("mirabelle-com")
    policy = policy_from(store.workspaces.get_workspace_settings(ws.id))
    assert policy.first_response_minutes == 30 and policy.approver_roles == {"press"}
    again = apply_config(parse_config(GOOD), store)
    assert again.counts["official_account"]["unchanged"] == 1
    pruned = apply_config(parse_config(GOOD.split("[[official_account]]")[0]), store, prune=True)
    assert pruned.counts["official_account"]["deleted"] == 1
    assert store.engage.list_accounts() == []


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('platform = "myspace"\nhandle = "a"\nworkspaces = ["w"]', "platform"),
        ('platform = "x"\nhandle = "a"\nworkspaces = []', "workspaces"),
        (
            'platform = "x"\nhandle = "a"\nworkspaces = ["w"]\ncredentials = { token = "a b" }',
            "not a variable name",
        ),
        ('platform = "x"\nhandle = "a"\nworkspaces = ["w"]', "missing token"),
        ('platform = "x"\nhandle = "a"\nworkspaces = ["w"]\ntoken = "secret"', "unknown key"),
    ],
)
def test_bad_accounts_are_clear_errors(snippet: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(f"[[official_account]]\n{snippet}\n")


def test_bad_engagement_settings_are_errors() -> None:
    text = GOOD.replace('approver_roles = ["press"]', 'approver_roles = ["chef"]')
    with pytest.raises(ConfigError, match="not roles"):
        parse_config(text)


def test_accounts_round_trip_through_export(store: Any) -> None:
    from socialhub.config import export_config

    apply_config(parse_config(GOOD), store)
    exported = export_config(store)
    assert "[[official_account]]" in exported and 'token = "SOCIALHUB_X_TOKEN"' in exported
    again = apply_config(parse_config(exported), store)
    assert again.changed == 0, again.changes
