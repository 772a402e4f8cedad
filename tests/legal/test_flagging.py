"""Flagging proposes cases from the stream and never opens one by itself; legal
accepts (a case opens with the label as reason) or dismisses; on both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from socialhub.legal.desk import LegalConfig, LegalDesk, LegalError
from socialhub.legal.flagging import classify
from socialhub.legal.proposals import FlaggingJob, accept, dismiss
from socialhub.models import Author, Mention, Query, Workspace
from socialhub.store.base import Store
from socialhub.store.legal import LegalRepo
from socialhub.store.legal_proposals import ProposalRepo

NOW = datetime(2026, 12, 6, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("On va brûler vos agences, vous êtes prévenus", "threat"),
        ("We will burn down your offices", "threat"),
        ("Bande de connards au service client", "insult"),
        ("Your support team are a bunch of morons", "insult"),
        ("Le PDG a détourné l'argent des retraités", "defamation"),
        ("They cook the books every quarter", "defamation"),
        ("Selon l'AFP, le PDG serait accusé de détournement", ""),
        ("Je vais tuer le temps en attendant le technicien", ""),
        ("Mirabelle a volé la vedette au salon", ""),
        ("Panne depuis ce matin, merci pour rien", ""),
    ],
)
def test_labels_and_explanations(text: str, label: str) -> None:
    flag = classify(text)
    assert flag.label == label
    assert bool(flag.cues) == bool(label)  # a flag always says why


def test_proposals_from_the_stream(store: Store, tmp_path: Path) -> None:
    ws = store.workspaces.upsert_workspace(Workspace(slug="com", name="Com"))
    assert ws.id is not None
    q = store.workspaces.upsert_query(Query(ws.id, "marque", "acme"))
    texts = ["acme: on va brûler vos agences", "acme bande de connards",
             "acme panne encore", "acme le PDG a détourné les fonds"]  # fmt: skip
    store.mentions.add([
        Mention(platform="x", native_id=str(n), text=t, created_at=NOW - timedelta(minutes=n),
                author=Author("x", f"a{n}", f"auteur{n}"), query_ids=[q.id or 0])
        for n, t in enumerate(texts, start=1)
    ])  # fmt: skip
    found = FlaggingJob(store)(NOW)
    assert found == {"com": 3}
    assert LegalRepo(store).list_cases() == []  # nothing opened by itself
    repo = ProposalRepo(store)
    proposals = repo.list_proposals(ws.id)
    # Threats first, then defamation, then insults.
    assert [(p.mention_id, p.label) for p in proposals] == [
        ("x:1", "threat"), ("x:4", "defamation"), ("x:2", "insult")]  # fmt: skip
    assert FlaggingJob(store)(NOW) == {"com": 0}  # never twice

    desk = LegalDesk(store, LegalConfig(files=tmp_path, browser=False), clock=lambda: NOW)
    threat = next(p for p in proposals if p.label == "threat")
    assert threat.id is not None
    case = accept(desk, ws.id, threat.id, "juriste")
    assert case.reason == "threat" and [i.item_id for i in desk.repo.list_items(case.id or 0)] == [
        "x:1"
    ]
    with pytest.raises(LegalError):
        accept(desk, ws.id, threat.id, "juriste")
    other = next(p for p in proposals if p.label == "insult")
    dismiss(store, ws.id, other.id or 0, "juriste", NOW)
    assert [p.label for p in repo.list_proposals(ws.id)] == ["defamation"]
    assert [p.label for p in repo.list_proposals(ws.id, "dismissed")] == ["insult"]
