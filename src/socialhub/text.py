"""Canonical text folding and tokenisation.

One tokeniser feeds the streaming matcher, the SQLite FTS5 index and the PostgreSQL
tsvector, so that a query gives the same answer whichever back end runs it.

Rules: Unicode NFKD, combining marks removed (accent-insensitive), casefolded; a token
is a run of letters or digits (Unicode categories L* and N*). A ``#tag`` or ``@user``
yields two tokens at consecutive positions, ``#tag`` then ``tag``, so a plain keyword
also matches the hashtag while ``#tag`` matches only the hashtag.

Underscores (issue 18, :data:`TOKENISER_VERSION` 2): a handle or hashtag keeps all of
its ``_`` (``@laura_mich75`` -> ``@laura_mich75``, ``laura_mich75``; ``@_laura`` is a
handle too), so ``@laura`` or the word ``mich75`` do not match it. In running text an
``_`` between letters or digits joins them into one word (``mot_de_passe``), and leading
or trailing ones are dropped (``_italique_`` -> ``italique``), so the plain query
``laura_mich75`` still finds the handle. Texts without ``_`` tokenise as in version 1.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

MAX_TOKENS = 16_000  # PostgreSQL tsvector positions stop at 16,383
MAX_TOKEN_LEN = 64  # longer runs are junk (base64, hashes); truncating keeps all back ends equal

#: Bumped when ``index_tokens`` changes what it yields; stores re-index older rows
#: (``socialhub.store.reindex``). 1: split at ``_``; 2: handles and hashtags keep it.
TOKENISER_VERSION = 2

# a handle/hashtag body: word characters with at least one letter or digit, "_" kept;
# a plain word: letters or digits, inner runs of "_" kept, outer ones dropped
_TOKEN = re.compile(r"([#@])(_*[^\W_]\w*)|([^\W_]+(?:_+[^\W_]+)*)")
_PLAIN = re.compile(r"[^\W_]+(?:_+[^\W_]+)*")
_WORD = re.compile(r"[^\W_]+")
_HOST = re.compile(r"[\w-]+(\.[\w-]+)*")

# scheme or www. links, and bare "host.tld/path" ones (a path is required: "etc.fr" is not)
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'`]+"
    r"|(?<![\w@./])(?:[a-z0-9-]+\.)+[a-z]{2,24}/[^\s<>\"'`]*",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@])@[\w.-]+(?:@[\w.-]+)?")
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "igshid")
_TRAILING_PUNCT = ".,;:!?)]}»\"'…"


class _StripMarks(dict[int, int | None]):
    """A ``str.translate`` table deleting combining marks, filled lazily per code point
    (the per-character test then runs once per distinct character, not per character)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        if len(self) < 65_536:  # bounded: hostile text may use every code point
            self[code] = value
        return value


_STRIP_MARKS = _StripMarks()


def fold(text: str) -> str:
    """Lowercase and strip accents: 'Élysée' -> 'elysee'."""
    if text.isascii():
        return text.lower()
    stripped = unicodedata.normalize("NFKD", text).translate(_STRIP_MARKS)
    return unicodedata.normalize("NFKC", stripped).casefold()


def index_tokens(text: str) -> list[str]:
    """The token stream of a text, as every search back end indexes it."""
    folded = fold(text)
    if "#" not in folded and "@" not in folded:  # the common case, without the loop
        words = _PLAIN.findall(folded) if "_" in folded else _WORD.findall(folded)
        out = [w[:MAX_TOKEN_LEN] for w in words]
        return out[:MAX_TOKENS] if len(out) > MAX_TOKENS else out
    out = []
    for prefix, body, plain in _TOKEN.findall(folded):
        if prefix:
            body = body[:MAX_TOKEN_LEN]
            out.append(prefix + body)
            out.append(body)
        else:
            out.append(plain[:MAX_TOKEN_LEN])
        if len(out) >= MAX_TOKENS:
            return out[:MAX_TOKENS]
    return out


def fts_document(tokens: list[str]) -> str:
    """The string stored in the SQLite FTS5 column (tokenizer: unicode61 with tokenchars
    '#@_' since migration 0022)."""
    return " ".join(tokens)


def pg_tsvector(tokens: list[str]) -> str:
    """A PostgreSQL tsvector literal with our own lexemes and 1-based positions."""
    positions: dict[str, list[str]] = {}
    for i, tok in enumerate(tokens, start=1):
        positions.setdefault(tok, []).append(str(i))
    return " ".join(f"'{tok}':{','.join(pos)}" for tok, pos in positions.items())


def url_host(url: str) -> str:
    """Lowercase host of a URL without 'www.'; '' when there is none."""
    if not url:
        return ""
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    if not _HOST.fullmatch(host):
        return ""
    return host[4:] if host.startswith("www.") else host


def norm_handle(handle: str) -> str:
    """Handles compare case-insensitively and without the leading '@'."""
    return handle.strip().lstrip("@").lower()


# -- shared by near-duplicates, provenance, keyphrases and reports -------------------


@lru_cache(maxsize=100_000)
def phrase_key(phrase: str) -> str:
    """The identity of a phrase: folded words joined by one space."""
    return " ".join(_WORD.findall(fold(phrase)))


def normalise_link(url: str) -> str | None:
    """A shared link's identity: 'HTTPS://www.Ex.com/a/?utm_source=x' -> 'ex.com/a'.

    Returns ``None`` for something that is not a usable link (no host).
    """
    url = url.rstrip(_TRAILING_PUNCT)
    if not url.lower().startswith(("http://", "https://")):
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return None
    if "." not in host:
        return None
    if host.startswith("www."):
        host = host[4:]
    kept = [(k, v) for k, v in query if not k.lower().startswith(_TRACKING)]
    path = parts.path.rstrip("/")
    out = host + path
    if kept:
        out += "?" + urlencode(sorted(kept))
    return out


def links_of(text: str) -> list[str]:
    """Normalised external links found in a text, in order, without repeats."""
    out: list[str] = []
    for raw in _LINK.findall(text):
        link = normalise_link(raw)
        if link and link not in out:
            out.append(link)
    return out


def normalise_text(text: str) -> list[str]:
    """Folded word tokens with links and handles removed (emojis are not tokens)."""
    text = _HANDLE.sub(" ", _LINK.sub(" ", text))
    return _WORD.findall(fold(text))
