"""Engagement: the inbox, drafts, approvals and publishing from official accounts only.

Modules: :mod:`.policy` (approval and SLA rules of a workspace, from its
``[workspace.settings.engagement]``), :mod:`.accounts` (the organisation's official
accounts, ``[[official_account]]``), :mod:`.inbox` (what needs a human, ranked, with
why), :mod:`.service` (drafts, approvals, refusals, each audited in the hash chain),
:mod:`.publishing` (idempotent publication with rate-limit waits),
:mod:`.publishers` (one writing client per platform), :mod:`.measures`
(first-response time, answered share), :mod:`.texts` (French and English).
"""
