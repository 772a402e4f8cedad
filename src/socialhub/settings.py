"""Hub settings: environment first (secrets and URLs), then the optional [hub] TOML table."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from ipaddress import ip_network
from pathlib import Path
from typing import Any

from socialhub.pipeline.chain import DEFAULT_ENRICHERS


@dataclass
class SourceSettings:
    type: str
    name: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Settings:
    db: str = "sqlite:///data/socialhub.db"
    bus: str = "memory"
    host: str = "127.0.0.1"
    port: int = 8000
    enrichers: dict[str, int | None] = field(default_factory=lambda: dict(DEFAULT_ENRICHERS))
    pipeline: dict[str, Any] = field(default_factory=dict)
    batch_size: int = 500
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or
    # CIDR networks; none by default): SOCIALHUB_TRUSTED_PROXIES="10.0.0.5,10.1.0.0/16"
    # or [hub] trusted_proxies = ["10.0.0.5"]. See socialhub.web.clientip.
    trusted_proxies: list[str] = field(default_factory=list)
    sources: list[SourceSettings] = field(default_factory=list)
    # [detect]: detectors and alerting (see socialhub.analytics.service); enabled = false
    # switches the detector service off
    detect: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        s = cls()
        s.db = os.environ.get("SOCIALHUB_DB", s.db)
        s.bus = os.environ.get("SOCIALHUB_BUS", s.bus)
        s.host = os.environ.get("SOCIALHUB_HOST", s.host)
        s.port = int(os.environ.get("SOCIALHUB_PORT", s.port))
        if "SOCIALHUB_TRUSTED_PROXIES" in os.environ:
            s.trusted_proxies = _proxies(os.environ["SOCIALHUB_TRUSTED_PROXIES"].split(","))
        for key, value in overrides.items():
            if value is not None:
                setattr(s, key, value)
        return s

    @classmethod
    def from_file(cls, path: Path, **overrides: Any) -> Settings:
        """Read the [hub], [pipeline], [detect] and [[source]] tables of a config file.

        Environment variables still win for the database and bus URLs, so a file can be
        shared between machines and secrets never need to be in it.
        """
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        hub = data.get("hub", {})
        s = cls(
            db=str(hub.get("db", cls.db)),
            bus=str(hub.get("bus", cls.bus)),
            host=str(hub.get("host", cls.host)),
            port=int(hub.get("port", cls.port)),
            batch_size=int(hub.get("batch_size", cls.batch_size)),
            trusted_proxies=_proxies(hub.get("trusted_proxies", [])),
        )
        pipe = dict(data.get("pipeline", {}))
        if "enrichers" in pipe:
            s.enrichers = {
                k: (None if v is False else int(v)) for k, v in pipe.pop("enrichers").items()
            }
        s.pipeline = pipe
        s.detect = dict(data.get("detect", {}))
        for i, src in enumerate(data.get("source", [])):
            src = dict(src)
            kind = src.pop("type", None)
            if not kind:
                raise ValueError(f"{path}: source[{i}] has no 'type'")
            s.sources.append(SourceSettings(kind, str(src.pop("name", kind)), src))
        env = cls.from_env()
        if "SOCIALHUB_DB" in os.environ:
            s.db = env.db
        if "SOCIALHUB_BUS" in os.environ:
            s.bus = env.bus
        if "SOCIALHUB_TRUSTED_PROXIES" in os.environ:
            s.trusted_proxies = env.trusted_proxies
        for key, value in overrides.items():
            if value is not None:
                setattr(s, key, value)
        return s


def _proxies(values: Any) -> list[str]:
    """Validated proxy addresses/networks (ValueError names a bad one)."""
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise ValueError("trusted_proxies: expected a list of addresses or networks")
    items = [str(v).strip() for v in values if str(v).strip()]
    for item in items:
        try:
            ip_network(item, strict=False)
        except ValueError as exc:
            raise ValueError(f"trusted_proxies: {item!r} is not an IP address or network") from exc
    return items
