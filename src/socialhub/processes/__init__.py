"""The hub's stages as separate processes (scale-out, issue 8).

``socialhub collect``, ``worker``, ``detect-service``, ``scheduler-service`` and ``serve``
each run one stage; any number of each, on any machine, share one database and one
NATS. They are built from the same pieces as the embedded hub (:mod:`.wiring`); only
the bus and the store differ. :mod:`.runtime` gives each process its heartbeat,
metrics endpoint, logs and signal handling; :mod:`.detect` spreads detector partitions
(one per workspace) over the running detector processes; :mod:`.leader` makes one
scheduler at a time send reports.
"""

from socialhub.processes.runtime import ProcessRuntime
from socialhub.processes.wiring import DEFAULT_CATCH_UP, build_pipeline, build_sources

__all__ = ["DEFAULT_CATCH_UP", "ProcessRuntime", "build_pipeline", "build_sources"]
