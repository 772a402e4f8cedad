"""Content-addressed capture files: a file's name is the SHA-256 of its bytes.

Writing the same bytes twice stores one file; a file whose bytes no longer hash to its
name has been altered (:meth:`EvidenceFiles.check`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class EvidenceFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes; returns their SHA-256 (the file's name)."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(data)
            os.replace(tmp, target)  # never a half-written evidence file
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def check(self, sha256: str) -> bool:
        path = self.path(sha256)
        return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256
