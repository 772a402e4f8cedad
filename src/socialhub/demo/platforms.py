"""Per-platform shapes: native ids, URLs and the raw payload a connector would have seen.

Ids embed the simulator's sequence number so they are unique by construction, and
otherwise look like the real thing (X snowflakes, Bluesky TIDs, reddit base36, ...).
"""

from __future__ import annotations

import re
import time
from typing import Any

from socialhub.text import fold

PLATFORMS = ("x", "bluesky", "mastodon", "reddit", "news", "facebook", "youtube", "forum")

_X_EPOCH_MS = 1_288_834_974_657
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_MASK64 = (1 << 64) - 1
_SLUG_SPLIT = re.compile(r"[^a-z0-9]+")


def mix64(x: int) -> int:
    """SplitMix64 finaliser: a stable, well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def encode(n: int, alphabet: str, width: int) -> str:
    base = len(alphabet)
    out = []
    for _ in range(width):
        n, r = divmod(n, base)
        out.append(alphabet[r])
    return "".join(reversed(out))


def b36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _B36[r] + out
        if not n:
            return out


def slugify(text: str, words: int = 8) -> str:
    parts = [p for p in _SLUG_SPLIT.split(fold(text)) if p]
    return "-".join(parts[:words]) or "post"


def author_native_id(platform: str, key: int) -> str:
    """A platform-shaped account id derived from a stable integer key."""
    h = mix64(key)
    if platform == "x":
        return str(10**17 + h % (9 * 10**17))
    if platform == "bluesky":
        return "did:plc:" + encode(h | (mix64(h) << 64), _B32, 24)
    if platform == "mastodon":
        return str(10**17 + h % (10**17))
    if platform == "reddit":
        return "t2_" + encode(h, _B36, 8)
    if platform == "facebook":
        return str(10**14 + h % (9 * 10**14))
    if platform == "youtube":
        return "UC" + encode(h | (mix64(h) << 64), _B64, 22)
    return str(h % 10**7)


def ids(
    platform: str,
    kind: str,
    seq: int,
    ts: float,
    handle: str,
    author_id: str,
    key: str,
    root_key: str,
    title: str,
) -> tuple[str, str, str]:
    """(native_id, url, key) of a new item.

    ``key`` is what later items of the same thread need (subreddit/post id, video id,
    forum topic, Facebook post id); ``root_key`` is the thread root's key for children.
    """
    ms = int(ts * 1000)
    if platform == "x":
        nid = str(((ms - _X_EPOCH_MS) << 22) | (seq & 0x3FFFFF))
        return nid, f"https://x.com/{handle}/status/{nid}", nid
    if platform == "bluesky":
        rkey = encode((int(ts * 1_000_000) << 10) | (seq & 0x3FF), _B32, 13)
        nid = f"at://{author_id}/app.bsky.feed.post/{rkey}"
        return nid, f"https://bsky.app/profile/{handle}/post/{rkey}", rkey
    if platform == "mastodon":
        nid = str((ms << 16) | (seq & 0xFFFF))
        user, _, instance = handle.partition("@")
        return nid, f"https://{instance or 'mastodon.social'}/@{user}/{nid}", nid
    if platform == "reddit":
        if kind == "post":
            pid = b36(2_000_000_000 + seq)
            nid = "t3_" + pid
            sub = key or "france"
            return (
                nid,
                f"https://www.reddit.com/r/{sub}/comments/{pid}/{slugify(title)}/",
                sub + "/" + pid,
            )
        sub, _, pid = root_key.partition("/")
        cid = b36(60_000_000_000 + seq)
        return (
            "t1_" + cid,
            f"https://www.reddit.com/r/{sub}/comments/{pid}/comment/{cid}/",
            root_key,
        )
    if platform == "facebook":
        pid = str(10**15 + mix64(seq) % (9 * 10**15))
        if kind == "comment":
            root = root_key or pid
            return (
                f"{root}_{pid}",
                f"https://www.facebook.com/{root.replace('_', '/posts/', 1)}?comment_id={pid}",
                root,
            )
        nid = f"{author_id}_{pid}"
        return nid, f"https://www.facebook.com/{handle}/posts/{pid}", nid
    if platform == "youtube":
        if kind == "comment":
            cid = "Ugx" + encode(mix64(seq ^ 0xC0FFEE) | (mix64(seq) << 64), _B64, 23)
            return cid, f"https://www.youtube.com/watch?v={root_key}&lc={cid}", root_key
        vid = encode(mix64(seq), _B64, 11)
        return vid, f"https://www.youtube.com/watch?v={vid}", vid
    if platform == "news":
        nid = encode(mix64(seq), _B36, 13)
        day = _ymd(ts)
        return nid, f"https://www.{key}/{day}/{slugify(title, 9)}_{nid[:7]}", key
    # forum
    forum, _, topic = (root_key or key).partition("#")
    if kind == "post" or not topic:
        topic = str(200_000 + seq)
    nid = f"{topic}-{seq}"
    return nid, f"https://{forum}/t/{topic}#p{seq}", f"{forum}#{topic}"


def _ymd(ts: float) -> str:
    return time.strftime("%Y/%m/%d", time.gmtime(ts))


def raw_payload(
    platform: str,
    kind: str,
    nid: str,
    text: str,
    created: str,
    lang: str,
    author: dict[str, Any],
    eng: tuple[int, int, int, int, int],
    parent: str | None,
    url: str,
    media: list[str],
) -> dict[str, Any]:
    """A payload shaped like the platform's API item (enough to exercise evidence export)."""
    likes, reposts, replies, quotes, views = eng
    if platform == "x":
        data: dict[str, Any] = {
            "id": nid,
            "text": text,
            "created_at": created,
            "lang": lang,
            "author_id": author["id"],
            "public_metrics": {
                "like_count": likes,
                "retweet_count": reposts,
                "reply_count": replies,
                "quote_count": quotes,
                "impression_count": views,
            },
        }
        if parent:
            ref = {"reply": "replied_to", "repost": "retweeted", "quote": "quoted"}[kind]
            data["referenced_tweets"] = [{"type": ref, "id": parent.partition(":")[2]}]
        if media:
            data["attachments"] = {"media_keys": [f"3_{nid[-8:]}"]}
        return {"data": data, "includes": {"users": [author]}}
    if platform == "bluesky":
        rec: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": created,
            "langs": [lang],
        }
        if parent and kind == "reply":
            rec["reply"] = {"parent": {"uri": parent.partition(":")[2]}}
        return {
            "uri": nid,
            "author": author,
            "record": rec,
            "likeCount": likes,
            "repostCount": reposts,
            "replyCount": replies,
            "indexedAt": created,
        }
    if platform == "mastodon":
        return {
            "id": nid,
            "created_at": created,
            "content": f"<p>{text}</p>",
            "language": lang,
            "url": url,
            "account": author,
            "favourites_count": likes,
            "reblogs_count": reposts,
            "replies_count": replies,
            "in_reply_to_id": parent.partition(":")[2] if parent else None,
            "media_attachments": [{"type": "image", "url": u} for u in media],
        }
    if platform == "reddit":
        body_key = "selftext" if kind == "post" else "body"
        return {
            "kind": nid[:2],
            "data": {
                "name": nid,
                "id": nid[3:],
                body_key: text,
                "author": author["name"],
                "author_fullname": author["id"],
                "score": likes,
                "num_comments": replies,
                "created_utc": created,
                "permalink": url,
                "parent_id": parent.partition(":")[2] if parent else None,
            },
        }
    if platform == "facebook":
        return {
            "id": nid,
            "message": text,
            "created_time": created,
            "permalink_url": url,
            "from": {"id": author["id"], "name": author["name"]},
            "reactions": {"summary": {"total_count": likes}},
            "shares": {"count": reposts},
            "comments": {"summary": {"total_count": replies}},
        }
    if platform == "youtube":
        if kind == "comment":
            return {
                "kind": "youtube#comment",
                "id": nid,
                "snippet": {
                    "textOriginal": text,
                    "authorDisplayName": author["name"],
                    "authorChannelId": {"value": author["id"]},
                    "likeCount": likes,
                    "publishedAt": created,
                },
            }
        title, _, desc = text.partition("\n")
        return {
            "kind": "youtube#video",
            "id": nid,
            "snippet": {
                "title": title,
                "description": desc,
                "channelId": author["id"],
                "channelTitle": author["name"],
                "publishedAt": created,
                "defaultLanguage": lang,
            },
            "statistics": {
                "viewCount": str(views),
                "likeCount": str(likes),
                "commentCount": str(replies),
            },
        }
    if platform == "news":
        title, _, body = text.partition("\n\n")
        return {
            "title": title,
            "summary": body,
            "link": url,
            "published": created,
            "author": author["name"],
            "source": {"href": author["id"].split(":")[0]},
            "language": lang,
        }
    return {
        "post_id": nid,
        "message": text,
        "posted_at": created,
        "url": url,
        "user": {"id": author["id"], "username": author["name"]},
        "in_reply_to": parent.partition(":")[2] if parent else None,
    }
