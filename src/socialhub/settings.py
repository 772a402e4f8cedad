"""Hub settings: environment first (secrets and URLs), then the optional [hub] TOML table."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from ipaddress import ip_network
from pathlib import Path
from typing import Any

from socialhub.i18n import M_
from socialhub.pipeline.chain import DEFAULT_ENRICHERS
from socialhub.pipeline.options import PipelineOptions

# The [hub] table: key -> type (a TOML integer is accepted where a float is).
HUB_KEYS: dict[str, type] = {"db": str, "bus": str, "host": str, "port": int, "batch_size": int}


def typed_table(table: Any, types: dict[str, type], where: str) -> dict[str, Any]:
    """``table`` checked against ``types``: an unknown key or a value of another type
    raises ``ValueError`` naming ``where`` (file and table) and the key."""
    if not isinstance(table, dict):
        raise ValueError(M_("%(where)s must be a table", where=where))
    unknown = sorted(set(table) - set(types))
    if unknown:
        raise ValueError(
            M_(
                "%(where)s: unknown key(s) %(keys)s (known: %(known)s)",
                where=where,
                keys=", ".join(unknown),
                known=", ".join(types),
            )
        )
    for key, value in table.items():
        kind = types[key]
        ok = isinstance(value, int | float) if kind is float else isinstance(value, kind)
        if not ok or (kind is not bool and isinstance(value, bool)):
            raise ValueError(
                M_(
                    "%(where)s %(key)s: must be a %(type)s, not %(value)r",
                    where=where,
                    key=key,
                    type=kind.__name__,
                    value=value,
                )
            )
    return dict(table)


@dataclass
class SourceSettings:
    type: str
    name: str
    options: dict[str, Any] = field(default_factory=dict)
    origin: str = ""  # "file [[source]] #n": where errors about this source point


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
    path: str = ""  # the file read, named in configuration errors

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
        hub = typed_table(data.get("hub", {}), HUB_KEYS, f"{path}: [hub]")
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
            order = pipe.pop("enrichers")
            where = f"{path}: [pipeline.enrichers]"
            if not isinstance(order, dict):
                raise ValueError(f"{where} must be a table of name = position (or false)")
            for k, v in order.items():
                if v is not False and (isinstance(v, bool) or not isinstance(v, int)):
                    raise ValueError(f"{where} {k}: must be a position (int) or false, not {v!r}")
            s.enrichers = {k: (None if v is False else int(v)) for k, v in order.items()}
        PipelineOptions.from_table(pipe, where=f"{path}: [pipeline]")  # checked at load
        s.pipeline = pipe
        s.path = str(path)
        s.detect = dict(data.get("detect", {}))
        for i, src in enumerate(data.get("source", [])):
            src = dict(src)
            kind = src.pop("type", None)
            if not kind:
                raise ValueError(f"{path}: source[{i}] has no 'type'")
            name = str(src.pop("name", kind))
            origin = f"{path} [[source]] #{i + 1} {name!r}"
            s.sources.append(SourceSettings(kind, name, src, origin))
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
