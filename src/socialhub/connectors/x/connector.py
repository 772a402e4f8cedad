"""The X connector: recent search, user timelines, filtered stream, publish and reply.

Cursors (opaque to the coordinator, JSON-able):

- ``search`` (and the search backfill of a ``stream`` target): ``{"since_id"}`` between
  polls; during a sweep also ``next_token``, ``newest_id`` (the newest id seen in this
  sweep) and ``tokens`` (the tokens already followed). When a sweep ends the next poll
  starts from ``since_id = newest_id``: the cursor never goes back.
- ``timeline``: the same with ``pagination_token``, plus ``user_id`` resolved once from
  the handle.
- ``stream``: each page carries ``{"since_id": newest id received}``, so after a cut the
  coordinator backfills the gap with ``fetch(stream_target, that cursor)``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from typing import Any

import orjson

from socialhub.connectors.base import (
    BadRequest,
    MalformedPayload,
    Page,
    Rejected,
    Target,
    Unavailable,
    env_credential,
)
from socialhub.connectors.manifest import option_defaults
from socialhub.models import utcnow
from socialhub.records.quarantine import Reason, json_error

from .client import XClient
from .normalize import page_mentions, rule_tags
from .rules import Rule, sync_rules, target_rules

OPTIONS = option_defaults("x")  # the manifest's [options]: the one place of each default

BEARER_VAR = "SOCIALHUB_X_BEARER_TOKEN"
USER_TOKEN_VAR = "SOCIALHUB_X_USER_TOKEN"
MAX_TOKENS_KEPT = 20  # pagination tokens remembered per sweep to catch a repeating cursor

#: Everything the normaliser reads, requested on every tweet call.
TWEET_PARAMS = {
    "tweet.fields": (
        "id,text,author_id,created_at,lang,conversation_id,public_metrics,"
        "referenced_tweets,geo,attachments,note_tweet,entities"
    ),
    "expansions": (
        "author_id,referenced_tweets.id,referenced_tweets.id.author_id,"
        "geo.place_id,attachments.media_keys"
    ),
    "user.fields": (
        "id,name,username,created_at,description,location,public_metrics,verified,verified_type"
    ),
    "place.fields": "id,full_name,name,country_code",
    "media.fields": "media_key,type,url,preview_image_url",
}


def max_id(*ids: Any) -> str | None:
    """The greatest numeric tweet id (ids are compared as numbers, not strings)."""
    numeric = [str(i) for i in ids if i is not None and str(i).isdigit()]
    return max(numeric, key=int) if numeric else None


class XConnector:
    """X API v2 as a :class:`~socialhub.connectors.base.StreamingConnector` and Publisher.

    Parameters
    ----------
    base_url
        API root (``https://api.x.com``); tests point it at a local server.
    max_results
        Tweets per request (10..100 for search, 5..100 for timelines).
    timeout, stream_timeout
        Seconds for ordinary calls; seconds of stream silence before reconnecting.
    env
        Where credentials are read (default ``os.environ``), at call time, so a missing
        token is reported by the source that needs it.
    """

    name = "x"

    def __init__(
        self,
        *,
        base_url: str = OPTIONS["base_url"],
        max_results: int = OPTIONS["max_results"],
        timeout: float = OPTIONS["timeout"],
        stream_timeout: float = OPTIONS["stream_timeout"],
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.client = XClient(base_url, timeout=timeout, stream_timeout=stream_timeout)
        self.max_results = max(10, min(int(max_results), 100))
        self.env: Mapping[str, str] = os.environ if env is None else env
        self._user_ids: dict[str, str] = {}

    async def close(self) -> None:
        await self.client.close()

    def _bearer(self) -> str:
        return env_credential(self.env, BEARER_VAR, "x")

    # -- fetch ------------------------------------------------------------------------

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        """One request: the next page of a search / timeline sweep (see module doc)."""
        cursor = dict(cursor or {})
        if target.kind in ("search", "stream"):
            path, token_param = "/2/tweets/search/recent", "next_token"
            params: dict[str, Any] = {"query": target.value}
        elif target.kind == "timeline":
            user_id = cursor.get("user_id") or await self._user_id(target.value)
            cursor["user_id"] = user_id
            path, token_param = f"/2/users/{user_id}/tweets", "pagination_token"
            params = {}
        else:
            raise BadRequest(f"x: unsupported target kind {target.kind!r}")
        params.update(TWEET_PARAMS)
        params["max_results"] = self.max_results
        since, token = cursor.get("since_id"), cursor.get(token_param)
        if since:
            params["since_id"] = since
        if token:
            params[token_param] = token
        data = await self.client.request(
            "GET", path, token=self._bearer(), credential=BEARER_VAR, params=params
        )
        if data.get("data") is None and data.get("errors"):
            raise BadRequest(f"x: {path}: {_first_error(data)}")
        via = "x:stream-backfill" if target.kind == "stream" else f"x:{target.kind}"
        try:
            mentions, rejected = page_mentions(
                data, via=via, collected_at=utcnow(), match_query=target.match_query
            )
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            raise MalformedPayload(f"x: {path}: unexpected shape ({exc!r})", _dump(data)) from None
        meta = data.get("meta")
        if not isinstance(meta, dict):
            meta = {}
        newest = max_id(
            cursor.get("newest_id"), meta.get("newest_id"), *(m.native_id for m in mentions)
        )
        next_token = meta.get("next_token")
        followed = [*cursor.get("tokens", []), token] if token else list(cursor.get("tokens", []))
        base = {"user_id": cursor["user_id"]} if "user_id" in cursor else {}
        if next_token and next_token != token and next_token not in followed:
            new_cursor = {
                **base,
                "since_id": since,
                token_param: next_token,
                "newest_id": newest,
                "tokens": followed[-MAX_TOKENS_KEPT:],
            }
            done = False
        else:
            # End of the sweep (or a token that repeats: stop rather than loop).
            new_cursor = {**base, "since_id": max_id(since, newest)}
            done = True
        return Page(
            mentions=mentions,
            cursor={k: v for k, v in new_cursor.items() if v is not None},
            done=done,
            rejected=rejected,
            rate=dict(self.client.rate),
        )

    async def _user_id(self, handle: str) -> str:
        username = handle.strip().lstrip("@")
        if username in self._user_ids:
            return self._user_ids[username]
        data = await self.client.request(
            "GET",
            f"/2/users/by/username/{username}",
            token=self._bearer(),
            credential=BEARER_VAR,
        )
        user = data.get("data")
        if not isinstance(user, dict) or not str(user.get("id", "")).isdigit():
            raise BadRequest(f"x: user @{username} not found ({_first_error(data)})")
        self._user_ids[username] = str(user["id"])
        return self._user_ids[username]

    # -- stream -----------------------------------------------------------------------

    async def sync_rules(self, rules: list[Rule]) -> dict[str, int]:
        """Make the stream's rules exactly ``rules``: add missing, delete stale."""
        return await sync_rules(self.client, self._bearer(), BEARER_VAR, rules)

    async def stream(self, target: Target, cursor: Mapping[str, Any] | None) -> AsyncIterator[Page]:
        """Filtered stream pages, one per tweet, after syncing the target's rules.

        ``target.options["rules"]`` (``[{"value", "tag"}]``) lists every rule of the
        single stream connection; without it the target's own ``value`` and
        ``match_query`` form one rule. Raises :class:`Unavailable` on a cut, a silent
        connection or an operational disconnect, so the coordinator reconnects and
        backfills from the last page's cursor.
        """
        await self.sync_rules(target_rules(target))
        since = (cursor or {}).get("since_id")
        lines = self.client.lines(
            "/2/tweets/search/stream",
            token=self._bearer(),
            credential=BEARER_VAR,
            params=TWEET_PARAMS,
        )
        async for line in lines:
            if not line.strip():
                continue  # keep-alive
            page = self._stream_page(line)
            since = max_id(since, *(m.native_id for m in page.mentions))
            page.cursor = {"since_id": since} if since else {}
            page.rate = dict(self.client.rate)
            yield page

    def _stream_page(self, line: bytes) -> Page:
        text = line.decode("utf-8", "replace")
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            return Page(done=False, rejected=[Rejected(json_error(exc), text, "stream")])
        if not isinstance(obj, dict):
            return Page(
                done=False, rejected=[Rejected(Reason("x_stream_not_object"), text, "stream")]
            )
        if obj.get("data") is None and obj.get("errors"):
            # e.g. operational-disconnect: X is closing the connection.
            raise Unavailable(f"x: stream error: {_first_error(obj)}")
        try:
            tags = rule_tags(obj)
            mentions, rejected = page_mentions(
                obj, via="x:stream", collected_at=utcnow(), match_query=tags
            )
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            why = Reason("invalid_value", error=repr(exc))
            return Page(done=False, rejected=[Rejected(why, text, "stream")])
        return Page(mentions=mentions, done=False, rejected=rejected)

    # -- publish ----------------------------------------------------------------------

    async def publish(self, text: str, *, reply_to: str | None = None, account: str = "") -> str:
        """Post ``text`` with the user-context token (as a reply when ``reply_to``).

        ``account`` selects ``SOCIALHUB_X_USER_TOKEN_<ACCOUNT>`` instead of the default
        ``SOCIALHUB_X_USER_TOKEN``, for teams answering from several official accounts.
        """
        var = f"{USER_TOKEN_VAR}_{account.upper()}" if account else USER_TOKEN_VAR
        token = env_credential(self.env, var, "x")
        body: dict[str, Any] = {"text": text}
        if reply_to:
            body["reply"] = {"in_reply_to_tweet_id": reply_to.removeprefix("x:")}
        data = await self.client.request(
            "POST", "/2/tweets", token=token, credential=var, json=body
        )
        created = data.get("data")
        if not isinstance(created, dict) or not created.get("id"):
            raise MalformedPayload("x: POST /2/tweets: no data.id in the answer", _dump(data))
        return str(created["id"])


def _first_error(data: Mapping[str, Any]) -> str:
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("detail") or first.get("message") or first.get("title"))[:200]
    return str(data.get("detail") or data.get("title") or "no detail")[:200]


def _dump(data: Any) -> str:
    return orjson.dumps(data).decode()
