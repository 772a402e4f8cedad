"""The ``[detect]`` table, typed: the detector service's own keys, types and defaults.

The sub-tables keep their own declarations: ``[detect.detectors.<name>]`` is checked
against each detector's parameters and ``[detect.launch]`` against the launch
monitor's (:func:`socialhub.analytics.params.check_params`). The service builds a
:class:`DetectOptions` when it starts, so a typo stops the start with the file, the
table and the key.

>>> DetectOptions.from_table({"hold_ratio": 3}).hold_ratio
3.0
>>> DetectOptions.from_table({"hold_ration": 3}, where="hub.toml: [detect]")
Traceback (most recent call last):
...
ValueError: hub.toml: [detect]: unknown key hold_ration
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from socialhub.pipeline.options import table_error


class DetectOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    enabled: bool = True
    state_path: str | None = None  # the checkpoint file (default: beside the database)
    notify_min_severity: int = 5  # default routes: notify from this severity
    refresh_seconds: float = 60.0  # queries and watchlists re-read from the store
    checkpoint_seconds: float = 300.0
    hold_ratio: float = 2.0  # an alert stays open while its series is >= this x baseline
    ack_wait: float = 120.0
    tick: float = 10.0
    seen_window: int = 100_000  # mention ids remembered (redelivered ones counted once)
    only: list[str] | None = None  # detectors to run (default: every built-in)
    oncall_seconds: float = 30.0  # on-call escalation checked this often (0: off)
    # an unlisted high-reach author posting: digest (no alert), never, inapp or email
    high_reach_notify: Literal["never", "digest", "inapp", "email"] = "digest"
    # sub-tables, each checked against its own declarations
    detectors: dict[str, dict[str, Any]] = {}
    launch: dict[str, Any] = {}
    stories: dict[str, Any] = {}
    # replay wiring (a bare DetectorSet config, no store)
    workspaces: dict[Any, Any] = {}
    labels: dict[str, str] = {}
    lists: dict[str, str] = {}

    @classmethod
    def from_table(cls, table: Mapping[str, Any], *, where: str = "[detect]") -> DetectOptions:
        try:
            return cls.model_validate(dict(table))
        except ValidationError as exc:
            raise table_error(exc, where) from None
