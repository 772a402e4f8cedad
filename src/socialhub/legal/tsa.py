"""RFC 3161 trusted timestamps of a custody chain's head.

A hash chain proves nothing was changed *before* its head; it cannot prove *when* the
head existed, nor stop someone with the database from rebuilding a whole new chain. A
timestamp authority (TSA) signs "this hash existed at this time": with the head's
token kept in the bundle, a rebuilt chain no longer matches a token the TSA signed.

The imprint is SHA-256 over the head's 64 hex characters (ASCII). The TSA URL is set
by an administrator (``SOCIALHUB_TSA_URL``); it is configuration, not content, but it
still goes through the address guard (a TSA on the intranet is allowed explicitly with
``SOCIALHUB_FETCH_ALLOW``). :func:`check_token` verifies that the
token covers the head and that its CMS signature is valid for the certificate it
carries; whether that certificate belongs to a TSA you trust is checked against its
fingerprint (``cert_sha256``), which docs/legal.md tells you to compare.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import httpx
from asn1crypto import algos, cms, tsp

from socialhub.connectors.linkguard import AddressRefused, LinkGuard, guarded_sync_client

TIMEOUT = 20.0


class TimestampError(Exception):
    """The TSA refused, or a token does not verify."""


@dataclass(frozen=True, slots=True)
class Token:
    der: bytes  # the TimeStampToken (CMS ContentInfo), DER
    gen_time: datetime
    cert_sha256: str  # fingerprint of the signing certificate


def imprint(head_hex: str) -> bytes:
    return hashlib.sha256(head_hex.encode("ascii")).digest()


def build_request(head_hex: str, nonce: int) -> bytes:
    return tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "hashed_message": imprint(head_hex),
            },
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()


def request_timestamp(
    url: str, head_hex: str, *, timeout: float = TIMEOUT, guard: LinkGuard | None = None
) -> Token:
    """Ask the TSA at ``url`` to timestamp a chain head; verify and return its token.

    Through the address guard like every fetch: a TSA on a loopback or private address
    must be allowed (``SOCIALHUB_FETCH_ALLOW``); the connection goes to the checked address.
    """
    nonce = secrets.randbits(63)
    try:
        with guarded_sync_client(guard, timeout=timeout) as client:
            response = client.post(
                url,
                content=build_request(head_hex, nonce),
                headers={"Content-Type": "application/timestamp-query"},
            )
    except AddressRefused as exc:
        raise TimestampError(f"TSA {exc}") from None
    except httpx.HTTPError as exc:
        raise TimestampError(f"TSA unreachable: {type(exc).__name__}") from exc
    if response.status_code != 200:
        raise TimestampError(f"TSA answered HTTP {response.status_code}")
    try:
        answer = tsp.TimeStampResp.load(response.content)
        status = answer["status"]["status"].native
    except ValueError as exc:
        raise TimestampError(f"TSA answer is not a TimeStampResp ({exc})") from exc
    if status not in ("granted", "granted_with_mods"):
        raise TimestampError(f"TSA refused: {status}")
    der = answer["time_stamp_token"].dump()
    token = check_token(der, head_hex)
    info = _tst_info(cms.ContentInfo.load(der))
    if info["nonce"].native != nonce:
        raise TimestampError("TSA answer does not carry our nonce (replayed?)")
    return token


def _tst_info(content: cms.ContentInfo) -> tsp.TSTInfo:
    signed = content["content"]
    parsed = signed["encap_content_info"]["content"].parsed
    if not isinstance(parsed, tsp.TSTInfo):
        raise TimestampError("token does not hold a TSTInfo")
    return parsed


def check_token(der: bytes, head_hex: str) -> Token:
    """Verify a token covers ``head_hex`` and its signature holds; return its facts."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.x509 import load_der_x509_certificate

    try:
        content = cms.ContentInfo.load(der)
        signed = content["content"]
        info = _tst_info(content)
        imprinted = info["message_imprint"]["hashed_message"].native
        algorithm = info["message_imprint"]["hash_algorithm"]["algorithm"].native
        signer = signed["signer_infos"][0]
        certs = [c.chosen for c in signed["certificates"]]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise TimestampError(f"not a timestamp token ({exc})") from exc
    if algorithm != "sha256" or imprinted != imprint(head_hex):
        raise TimestampError("the token does not cover this chain head")
    content_bytes = signed["encap_content_info"]["content"].contents
    attrs = signer["signed_attrs"]
    digests = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    if digests != [hashlib.sha256(content_bytes).digest()]:
        raise TimestampError("the signed digest does not match the token's content")
    sid = signer["sid"].chosen
    cert = next(
        (c for c in certs if c.serial_number == sid["serial_number"].native),
        None,
    ) if isinstance(sid, cms.IssuerAndSerialNumber) else (certs[0] if certs else None)  # fmt: skip
    if cert is None:
        raise TimestampError("the token carries no signing certificate")
    public = load_der_x509_certificate(cert.dump()).public_key()
    to_sign = _signed_bytes(attrs)
    signature = signer["signature"].native
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, to_sign, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, to_sign, ec.ECDSA(hashes.SHA256()))
        else:
            raise TimestampError("unsupported TSA key type")
    except InvalidSignature as exc:
        raise TimestampError("the TSA signature does not verify") from exc
    return Token(der, info["gen_time"].native, hashlib.sha256(cert.dump()).hexdigest())


def _signed_bytes(attrs: cms.CMSAttributes) -> bytes:
    """Signed attributes are signed as a SET OF (tag 0x31), not as the [0] IMPLICIT
    field they are stored as (RFC 5652 §5.4)."""
    data = bytearray(attrs.dump(force=True))
    data[0] = 0x31
    return bytes(data)
