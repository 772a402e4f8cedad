"""Cases proposed from the stream: the flagging classifier reads each workspace's new
mentions and proposes the ones it flags; a person accepts (a case opens, with the
proposal's label as its reason) or dismisses. Nothing opens a case by itself.

Run by the report scheduler every few minutes (:class:`FlaggingJob`) or by hand
(``socialhub legal scan``). Mentions already in a case are not proposed again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from socialhub.i18n import M_
from socialhub.legal.desk import LegalDesk, LegalError
from socialhub.legal.flagging import classify
from socialhub.models import utcnow
from socialhub.store.base import Store
from socialhub.store.legal import Case, LegalRepo
from socialhub.store.legal_proposals import Proposal, ProposalRepo

log = logging.getLogger(__name__)
PAGE = 5000  # mentions read per workspace and scan


def scan(
    store: Store, since: datetime, until: datetime, *, now: datetime | None = None
) -> dict[str, int]:
    """Propose the flagged mentions of every workspace in ``[since, until)``; returns
    the number of new proposals per workspace slug."""
    now = now or utcnow()
    repo, legal = ProposalRepo(store), LegalRepo(store)
    out: dict[str, int] = {}
    for ws in store.workspaces.list_workspaces():
        assert ws.id is not None
        found = []
        for mention in store.mentions.search(
            None, workspace_id=ws.id, since=since, until=until, limit=PAGE
        ):
            flag = classify(mention.text)
            if not flag.flagged or legal.cases_of_item("mention", mention.id):
                continue
            found.append(Proposal(ws.id, mention.id, flag.label, flag.score, now, list(flag.cues)))
        out[ws.slug] = repo.propose(found)
    return out


def accept(desk: LegalDesk, workspace_id: int, proposal_id: int, by: str) -> Case:
    """Open a case from a proposal (or add to ``case_id`` later, like any item)."""
    repo = ProposalRepo(desk.store)
    proposal = repo.get_proposal(proposal_id)
    if proposal is None or proposal.workspace_id != workspace_id:
        raise LegalError(M_("no proposal %(proposal)s", proposal=proposal_id))
    if proposal.status != "proposed":
        raise LegalError(
            M_(
                "proposal %(proposal)s was already %(status)s",
                proposal=proposal_id,
                status=proposal.status,
            )
        )
    case, _ = desk.send(
        workspace_id, "mention", proposal.mention_id, by=by, reason=proposal.label,
        title=f"{proposal.label} — {proposal.mention_id}",
        note=f"Proposé par le classifieur (score {proposal.score}; indices : "
        f"{', '.join(proposal.cues)})",
    )  # fmt: skip
    repo.decide(proposal_id, "accepted", by, desk.clock(), case.id)
    return case


def dismiss(store: Store, workspace_id: int, proposal_id: int, by: str, at: datetime) -> None:
    repo = ProposalRepo(store)
    proposal = repo.get_proposal(proposal_id)
    if proposal is None or proposal.workspace_id != workspace_id:
        raise LegalError(M_("no proposal %(proposal)s", proposal=proposal_id))
    if not repo.decide(proposal_id, "dismissed", by, at):
        raise LegalError(
            M_(
                "proposal %(proposal)s was already %(status)s",
                proposal=proposal_id,
                status=proposal.status,
            )
        )


class FlaggingJob:
    """A scheduler job: scan what arrived since the last run (first run: one day)."""

    def __init__(self, store: Store, first: timedelta = timedelta(days=1)) -> None:
        self.store = store
        self.first = first
        self.last: datetime | None = None

    def __call__(self, now: datetime) -> dict[str, int]:
        since = self.last if self.last is not None else now - self.first
        # Mentions are dated when posted, and arrive late: look back an hour each time
        # (proposals are unique per mention, so overlap costs nothing).
        found = scan(self.store, since - timedelta(hours=1), now, now=now)
        self.last = now
        if any(found.values()):
            log.info("legal flagging proposed %s", found)
        return found
