"""Pseudonymisation mode: unlisted authors reach the store under a keyed hash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialhub.enrichers.pseudonymise import KEY_ENV, Pseudonymiser, pseudonym
from socialhub.models import Author, Mention
from socialhub.pipeline.base import Context, NotConfigured
from socialhub.store.base import Store
from socialhub.store.traces import find_traces

KEY = "0123456789abcdef-test-key"


def _mention(n: int, handle: str, name: str, listed: bool) -> Mention:
    return Mention(
        platform="x",
        native_id=str(n),
        text=f"Merci @{handle} pour l'info, voir aussi {handle}",
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        url=f"https://x.com/{handle}/status/{n}",
        author=Author("x", f"9{n}", handle=f"@{handle}", name=name, followers=12),
        raw={"user": {"screen_name": handle}},
        watchlists=["journalistes"] if listed else [],
    )


def test_off_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(NotConfigured):
        Pseudonymiser.from_settings(Context(None, {}))
    monkeypatch.setenv(KEY_ENV, "short")
    with pytest.raises(ValueError):
        Pseudonymiser.from_settings(Context(None, {}))


def test_unlisted_authors_are_stored_under_a_keyed_hash(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    stage = Pseudonymiser.from_settings(Context(store, {}))
    private, listed = (
        _mention(1, "lucie_f", "Lucie Fontaine", False),
        _mention(2, "journaliste_a", "Anne Journaliste", True),
    )
    out = stage.process([private, listed])
    store.mentions.add([m for m in out if isinstance(m, Mention)])
    alias = pseudonym(KEY.encode(), "x", "91")
    stored = store.mentions.get_mention("x:1")
    assert stored is not None and stored.author is not None
    assert stored.author.handle == alias and stored.author.name == ""
    assert stored.raw is None and stored.raw_sha256 == private.raw_sha256 != ""
    assert "lucie_f" not in stored.text and alias in stored.url
    # Same person, same pseudonym; another key, another one.
    assert pseudonym(KEY.encode(), "x", "91") == alias
    assert alias != pseudonym(b"other-key-16chars", "x", "91")
    assert find_traces(store, ["lucie_f", "Lucie Fontaine"]) == []  # type: ignore[arg-type]
    kept = store.mentions.get_mention("x:2")
    assert kept is not None and kept.author is not None
    assert kept.author.handle == "@journaliste_a" and kept.raw is not None
