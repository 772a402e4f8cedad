"""One BLAS thread for the hashed categories' matrix products (bulk imports).

numpy's OpenBLAS splits a ``(256, 8192) @ (8192, k)`` product over every core and its
idle threads spin while they wait: on the shared 2-core machine the categories stage
cost 166 µs of CPU per mention with two threads and 94 µs with one (issue 21, bulk
import), for the same products — each output cell is computed by one thread with the
same kernel, so the results are bit-identical (tests/enrichers/test_import_speed_equal.py).
Bulk work is parallelised by processes (``socialhub worker``), not inside one product.

The thread count is set through OpenBLAS's own ``*_set_num_threads`` (what threadpoolctl
does, without the dependency) and restored afterwards. Where numpy's BLAS is not an
OpenBLAS loaded in this process (another BLAS, another platform), it is a no-op.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()
_SUFFIXES = ("scipy_openblas_%s_num_threads64_", "openblas_%s_num_threads64_",
             "openblas_%s_num_threads")  # fmt: skip


@lru_cache(maxsize=1)
def _openblas() -> tuple[Any, Any] | None:
    """(get, set) of the OpenBLAS numpy loaded, or None."""
    import numpy  # noqa: F401  (loads the BLAS library into the process)

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            paths = {line.split()[-1] for line in fh if "openblas" in line.lower()}
    except OSError:
        return None
    for path in sorted(p for p in paths if p.startswith("/")):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for pattern in _SUFFIXES:
            get, put = getattr(lib, pattern % "get", None), getattr(lib, pattern % "set", None)
            if get is not None and put is not None:
                get.restype = ctypes.c_int
                return get, put
    return None


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """numpy's BLAS runs on one thread inside the block (restored after)."""
    funcs = _openblas()
    if funcs is None:
        yield
        return
    get, put = funcs
    with _LOCK:
        before = int(get())
        if before != 1:
            put(1)
    try:
        yield
    finally:
        if before != 1:
            with _LOCK:
                put(before)
