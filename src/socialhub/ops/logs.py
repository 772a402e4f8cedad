"""Structured logs: one JSON object per line, opt-in with ``SOCIALHUB_LOG_FORMAT=json``.

Log shippers (journald -> Loki, Vector, Fluent Bit) index JSON fields without a parser;
people reading a terminal keep the plain format, which stays the default.

>>> import logging, json
>>> rec = logging.LogRecord("socialhub.x", logging.INFO, __file__, 1, "hello %s", ("you",), None)
>>> doc = json.loads(JsonFormatter(role="worker").format(rec))
>>> doc["msg"], doc["level"], doc["logger"], doc["role"]
('hello you', 'info', 'socialhub.x', 'worker')
"""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import UTC, datetime
from typing import Any

PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# LogRecord attributes that are not "extra" fields given by the caller
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line: ts, level, logger, msg, process fields, extras
    (``log.info("stored", extra={"count": 12})`` adds ``"count": 12``) and exc."""

    def __init__(self, **static: Any) -> None:
        super().__init__()
        self.static = {"host": socket.gethostname(), "pid": os.getpid(), **static}

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            **self.static,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str, ensure_ascii=False)


def setup_logging(level: int | str = logging.INFO, **static: Any) -> None:
    """Configure the root logger once: JSON when ``SOCIALHUB_LOG_FORMAT=json``, else plain.

    ``SOCIALHUB_LOG_LEVEL`` overrides ``level``; ``static`` fields (e.g. ``role``) go
    into every JSON line.
    """
    level = os.environ.get("SOCIALHUB_LOG_LEVEL", level)
    handler = logging.StreamHandler()
    if os.environ.get("SOCIALHUB_LOG_FORMAT", "").lower() == "json":
        handler.setFormatter(JsonFormatter(**static))
    else:
        handler.setFormatter(logging.Formatter(PLAIN))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
