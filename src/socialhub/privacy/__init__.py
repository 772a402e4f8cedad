"""Privacy (GDPR): erase a person, subject access export, retention by policy.

Modules: :mod:`.erase` (right to erasure, legal holds respected), :mod:`.access`
(subject access export), :mod:`.retention` (per workspace and source kind),
:mod:`.redact` (how traces are cut out of stored values). Pseudonymisation at
collection is the ``pseudonymise`` enricher (:mod:`socialhub.enrichers.pseudonymise`).
docs/privacy.md is the processing record.
"""
