"""Dead-letter reasons: every reject a connector or the coordinator stores has a code
(socialhub.records.quarantine, the "connectors' dead letters" codes), its English text is
the one stored before codes, and it reads French in French.

Every code of REASONS, dead-letter ones included, is rendered in French and English by
tests/records/test_quarantine_reasons.py; here: the producer scan, the exact English the
connectors keep storing, and the coordinator's dead letters and health.
"""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from socialhub.connectors.base import MalformedPayload, Page, Rejected, Target
from socialhub.connectors.coordinator import Coordinator
from socialhub.connectors.empty_text import EmptyText, policy_text
from socialhub.connectors.reddit.normalize import things_to_mentions
from socialhub.connectors.x.normalize import page_mentions
from socialhub.i18n import catalogue, use_locale
from socialhub.records.quarantine import REASONS, Reason, display_reason, reason_of
from socialhub.records.sources import DeadLetter
from socialhub.store.base import Store
from web.french import english_in

SRC = Path(__file__).resolve().parents[2] / "src" / "socialhub"
T0 = datetime(2026, 3, 1, 10, tzinfo=UTC)
# the exceptions normalisers raise for one unusable item (their message is the reason);
# a whole payload's MalformedPayload is stored as payload_unreadable around its message
REJECTING = {"Invalid", "NormalizeError", "EmptyText", "ValueError"}


def _bare(node: ast.expr | None) -> bool:
    """A literal, an f-string, a concatenation or ``str(...)``: text without a code."""
    if isinstance(node, ast.JoinedStr | ast.Constant | ast.BinOp):
        return True
    return isinstance(node, ast.Call) and getattr(node.func, "id", "") == "str"


def _reason_arg(call: ast.Call) -> ast.expr | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    keyword = next((k.value for k in call.keywords if k.arg == "reason"), None)
    position = {"Rejected": 0, "DeadLetter": 1, "_dead": 0, "_malformed": 1}.get(name)
    if position is None:
        return None
    return keyword or (call.args[position] if len(call.args) > position else None)


def test_every_dead_letter_reason_in_the_sources_has_a_code() -> None:
    """No ``Rejected``, ``DeadLetter``, ``_dead`` or ``_malformed`` gets a bare string,
    and a connector's normaliser raises its item-level errors with a ``Reason``."""
    bare = []
    for path in sorted((SRC / "connectors").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SRC)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            if _bare(_reason_arg(call)):
                bare.append(f"{where}:{call.lineno}")
        if path.name != "normalize.py":
            continue
        for node in ast.walk(tree):
            exc = node.exc if isinstance(node, ast.Raise) else None
            if not isinstance(exc, ast.Call) or getattr(exc.func, "id", "") not in REJECTING:
                continue
            if exc.args and _bare(exc.args[0]):
                bare.append(f"{where}:{node.lineno} (raise)")
    assert bare == [], bare


def test_the_scan_catches_a_bare_reason() -> None:
    call = ast.parse('Rejected(f"bad {x}", raw, where)').body[0].value  # type: ignore[attr-defined]
    assert _bare(_reason_arg(call))
    call = ast.parse("self._dead(str(exc), raw, key, None)").body[0].value  # type: ignore[attr-defined]
    assert _bare(_reason_arg(call))
    call = ast.parse('Rejected(Reason("empty_text_policy"), raw)').body[0].value  # type: ignore[attr-defined]
    assert not _bare(_reason_arg(call))


def test_connectors_keep_their_english_text_and_add_the_code() -> None:
    things = [
        {"kind": "t1", "data": {"name": "t1_a", "body": "[deleted]"}},
        {"kind": "t5", "data": {"name": "t5_b"}},
        {"kind": "t3", "data": {"name": "t3_c", "title": "", "created_utc": 1}},
        {"kind": "t3", "data": {"name": "t3_d", "title": "x", "created_utc": "hier"}},
    ]
    _, rejected = things_to_mentions(things, via="reddit:test", collected_at=T0)
    got = [(r.reason, getattr(r.reason, "code", None)) for r in rejected]
    assert got == [
        ("deleted: comment t1_a was [deleted]", "reddit_deleted"),
        ("unsupported record: kind 't5'", "reddit_unknown_kind"),
        ("missing text: empty title and body", "reddit_missing_text"),
        ("unparseable created_utc: 'hier'", "reddit_bad_created_utc"),
    ]
    _, rejected = page_mentions({"data": ["not a tweet"]}, via="x:test", collected_at=T0)
    assert [(r.reason, getattr(r.reason, "code", None)) for r in rejected] == [
        ("unsupported record: tweet is not an object", "x_tweet_not_object")
    ]
    with pytest.raises(EmptyText) as info:
        policy_text("  ")
    why = reason_of(info.value)
    assert (why, why.code) == (
        "no text, caption, title, link or media (empty-text policy)",
        "empty_text_policy",
    )
    # an exception raised without a Reason keeps its message, under item_refused
    plain = reason_of(ValueError("Invalid isoformat string: 'x'"))
    assert (plain, plain.code) == ("Invalid isoformat string: 'x'", "item_refused")
    with use_locale("fr"):
        assert plain.localised() == "élément refusé : Invalid isoformat string: 'x'"
        assert why.localised() == (
            "ni texte, ni légende, ni titre, ni lien, ni média (règle du texte vide)"
        )


def test_the_link_guard_refusals_read_french() -> None:
    fr = catalogue("fr")
    why = Reason("next_page_refused", reason="not an http(s) link")
    assert why == "next page link refused: not an http(s) link"
    with use_locale("fr"):
        assert why.localised() == "lien vers la page suivante refusé : pas un lien http(s)"
        # a refusal naming a host is shown as it came
        named = Reason("next_page_refused", reason="intra.example does not resolve")
        assert named.localised().endswith(": intra.example does not resolve")
    for refusal in ("not a valid link", "not an http(s) link", "no host in the link"):
        assert isinstance(fr.get(refusal), str) and fr[refusal] != refusal


def test_a_dead_letter_takes_its_code_from_the_reason() -> None:
    letter = DeadLetter("rss.lemonde", Reason("webwatch_bad_date", value="'hier'"), "<li/>")
    assert (letter.reason_code, letter.reason_params) == ("webwatch_bad_date", {"value": "'hier'"})
    assert letter.to_dict()["reason"] == "unreadable or missing date 'hier'"
    assert letter.to_dict()["reason_code"] == "webwatch_bad_date"
    old = DeadLetter("rss.lemonde", "no date", "<li/>")
    assert (old.reason_code, old.reason_params, old.to_dict()["reason_code"]) == ("", {}, "")


class _Rejecting:
    """One page with a coded reject, then (second target) an unreadable payload."""

    name = "fake"

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        if target.value == "broken":
            raise MalformedPayload("fake: expected a list", raw="{}")
        why = Reason("mastodon_status_bad_created_at")
        return Page(rejected=[Rejected(why, '{"id": "1"}', "status 1")])


def test_the_coordinator_stores_coded_dead_letters(store: Store) -> None:
    targets = [Target("feed", "ok"), Target("feed", "broken")]
    coord = Coordinator("fake-src", _Rejecting(), targets, store.sources, backoff_base=0.01)

    async def emit(_m: Any) -> None:
        return None

    health = asyncio.run(coord.run_once(emit))
    letters = {d.reason_code: d for d in store.sources.list_dead_letters("fake-src")}
    assert set(letters) == {"mastodon_status_bad_created_at", "payload_unreadable"}
    bad = letters["payload_unreadable"]
    assert bad.reason == "MalformedPayload: fake: expected a list"  # as before codes
    with use_locale("fr"):
        assert display_reason(bad.reason, bad.reason_code, bad.reason_params) == (
            "contenu illisible : fake: expected a list"
        )
        d = letters["mastodon_status_bad_created_at"]
        shown = display_reason(d.reason, d.reason_code, d.reason_params)
    assert english_in([shown]) == [] and shown == "statut sans created_at valide"
    # the last error is the last dead letter: its code goes with it into the health
    saved = store.sources.get_source_health("fake-src")
    assert saved is not None and saved["last_error_code"] == health.last_error_code
    assert saved["last_error"].startswith("DeadLetter: MalformedPayload: ")
    assert saved["last_error_code"] == "payload_unreadable"


def test_every_dead_letter_code_has_its_french_in_deadletters_po() -> None:
    """The msgids of the dead-letter codes are in a .po file (deadletters.po, or the
    quarantine's when the English is the same) — the French check of every code is in
    test_quarantine_reasons.py; this pins that the dead-letter codes are among them."""
    fr = catalogue("fr")
    start = list(REASONS).index("item_refused")
    for code in list(REASONS)[start:]:
        spec = REASONS[code]
        msgid = spec.shown or spec.english
        assert isinstance(fr.get(msgid), str) and fr[msgid] != msgid, code
