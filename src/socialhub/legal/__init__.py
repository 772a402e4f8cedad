"""The legal desk: cases, evidence capture, chain of custody, legal hold, bundles.

Modules: :mod:`.desk` (send to legal, manage a case; every act is a custody entry),
:mod:`.fetch` (guarded HTTP fetch, hop by hop, recorded as WARC), :mod:`.browser`
(screenshot and PDF by headless Chromium, every request through the same guard),
:mod:`.files` (content-addressed capture files), :mod:`.custody` (the case's chain, on
:mod:`socialhub.records.chain`), :mod:`.tsa` (RFC 3161 timestamps of the chain head),
:mod:`.report` (case report PDF, French/English), :mod:`.bundle` (export and verify),
:mod:`.flagging` (cases proposed from the stream). docs/legal.md is the manual.
"""
