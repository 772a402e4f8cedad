"""Argon2id password hashing shared with the web login."""

from __future__ import annotations

import pytest

from socialhub.config.passwords import hash_password, needs_rehash, verify_password


def test_hash_and_verify() -> None:
    h = hash_password("Mirabelle-2024!")
    assert h.startswith("$argon2id$")
    assert h != hash_password("Mirabelle-2024!")  # salted
    assert verify_password(h, "Mirabelle-2024!")
    assert not verify_password(h, "mirabelle-2024!")
    assert not needs_rehash(h)


def test_empty_and_garbage_hashes_never_verify() -> None:
    assert not verify_password("", "x")
    assert not verify_password("not-a-hash", "x")
    assert not verify_password(hash_password("x"), "")
    assert needs_rehash("not-a-hash")
    with pytest.raises(ValueError):
        hash_password("")
