"""The Mastodon connector: hashtag/public/account timelines, search, streaming, publishing.

Options (``[[source]]`` in the settings):

``instances``   ``["mastodon.social", "https://piaille.fr"]`` (hosts or base URLs)
``token_envs``  ``{host: VARIABLE}`` when an instance needs its own token
                (default for all: ``SOCIALHUB_MASTODON_TOKEN``)
``limit``       page size (timelines: max 40)
``publish_instance`` where :meth:`publish` posts (default: the first instance)

Targets: ``search`` (``/api/v2/search``, needs a token on most instances),
``timeline`` with ``#tag`` (hashtag timeline), ``public`` / ``public:local`` or
``@user@host`` (an account's statuses, for watchlists); ``stream`` with ``#tag`` or
``public`` (SSE streaming API).

Cursor: ``{"turn": i, "instances": {base: {"since_id": id, "caught_up": bool}},
"seen": [recent uris]}``. Each fetch asks one instance (round robin), for the statuses
just after its ``since_id`` (``min_id``, the platform's forward paging), so one slow or
failing instance does not hold the others; ``done`` once every instance is caught up.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import orjson

from socialhub.connectors.base import BadRequest, MalformedPayload, Page, Rejected, Target
from socialhub.connectors.manifest import load_manifest
from socialhub.connectors.mastodon.client import MastodonClient, Response, host_of, instance_url
from socialhub.connectors.mastodon.normalize import NormalizeError, from_status, local_uris
from socialhub.records.quarantine import reason_of

MANIFEST = load_manifest("mastodon")  # its [options]: the one place of each default
SEEN_KEEP = 1000  # uris remembered across pages and instances


def id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings of varying length: compare by length, then text."""
    return (len(status_id), status_id)


class MastodonConnector:
    """Mastodon on one or more instances (REST polling, SSE streaming, publishing)."""

    name = "mastodon"

    def __init__(
        self,
        options: Mapping[str, Any] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        **more: Any,
    ) -> None:
        # the manifest's defaults overlaid; an undeclared option is refused here too
        given = {**(options or {}), **more}
        if isinstance(given.get("instances"), str):  # one instance written as a string
            given["instances"] = [given["instances"]]
        opts = MANIFEST.resolve(given, where="MastodonConnector")
        instances = opts["instances"] or MANIFEST.options["instances"]
        self.instances = [instance_url(i) for i in instances]
        self.limit = int(opts["limit"])
        self.publish_instance = instance_url(str(opts.get("publish_instance", self.instances[0])))
        self.clock = clock or (lambda: datetime.now(UTC))
        self.client = MastodonClient(
            env=os.environ if env is None else env,
            token_envs=opts.get("token_envs"),
            timeout=float(opts["timeout"]),
        )
        self._accounts: dict[tuple[str, str], str] = {}  # (base, acct) -> local account id

    # -- polling ------------------------------------------------------------------

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        state = dict(cursor or {})
        per: dict[str, dict[str, Any]] = {
            base: dict((state.get("instances") or {}).get(base) or {}) for base in self.instances
        }
        turn = int(state.get("turn") or 0) % len(self.instances)
        base = self.instances[turn]
        mine = per[base]
        since = mine.get("since_id")
        response = await self._request(target, base, since)
        statuses = response.data
        if not isinstance(statuses, list):
            raw = orjson.dumps(response.data).decode()
            raise MalformedPayload(f"mastodon ({host_of(base)}): expected a list of statuses", raw)
        seen: list[str] = list(state.get("seen") or [])
        page = self._page(statuses, target, base, since, seen)
        page.rate = response.rate
        ids = [str(s["id"]) for s in statuses if isinstance(s, dict) and s.get("id")]
        newest = max(ids, key=id_key) if ids else None
        # `rel="prev"` carries min_id = the newest id of this page: the platform's own
        # forward cursor; our max id is the fallback (search has no Link header)
        prev = response.links.get("prev", {}).get("min_id")
        candidates = [i for i in (newest, prev, since) if i]
        new_since = max(candidates, key=id_key) if candidates else None
        advanced = new_since is not None and new_since != since
        # first poll: the newest page only (no backfill of history); afterwards a full
        # page means more may follow, and a cursor that does not move ends the walk
        mine["since_id"] = new_since
        mine["caught_up"] = since is None or not advanced or len(statuses) < self.limit
        per[base] = mine
        page.cursor = {"turn": (turn + 1) % len(self.instances), "instances": per, "seen": seen}
        page.done = all(per[b].get("caught_up") for b in self.instances)
        return page

    def _page(
        self,
        statuses: list[Any],
        target: Target,
        base: str,
        since: str | None,
        seen: list[str],
    ) -> Page:
        host = host_of(base)
        via = f"mastodon:{host}:{target.kind}"
        known = local_uris(statuses)
        seen_set = set(seen)
        page = Page()
        collected_at = self.clock()
        for status in reversed(statuses):  # oldest first, as they happened
            old = isinstance(status, dict) and since and status.get("id")
            if old and id_key(str(status["id"])) <= id_key(str(since)):
                continue  # re-sent boundary or an old item
            try:
                mention = from_status(
                    status,
                    host=host,
                    collected_via=via,
                    match_query=target.match_query or target.value,
                    collected_at=collected_at,
                    known=known,
                )
            except (NormalizeError, TypeError, ValueError, KeyError, AttributeError) as exc:
                page.rejected.append(
                    Rejected(reason_of(exc), _dump(status), f"{host}:{target.kind}")
                )
                continue
            if mention.native_id in seen_set:
                continue  # the same post through another instance, or a repeated page
            seen_set.add(mention.native_id)
            seen.append(mention.native_id)
            page.mentions.append(mention)
        del seen[:-SEEN_KEEP]
        return page

    async def _request(self, target: Target, base: str, since: str | None) -> Response:
        params: dict[str, Any] = {"limit": self.limit, "min_id": since}
        value = target.value.strip()
        kind = target.kind
        if kind == "search":
            params.update(q=value, type="statuses", resolve="false")
            response = await self.client.request(
                "GET", base, "/api/v2/search", params=params, auth=True
            )
            if not isinstance(response.data, dict) or "statuses" not in response.data:
                raw = orjson.dumps(response.data).decode()
                raise MalformedPayload("mastodon: search without statuses[]", raw)
            response.data = response.data["statuses"]
            return response
        if kind in ("timeline", "hashtag", "public"):
            if kind == "hashtag" or value.startswith("#"):
                path = f"/api/v1/timelines/tag/{quote(value.lstrip('#'), safe='')}"
                return await self.client.request("GET", base, path, params=params)
            if kind == "public" or value.split(":")[0] == "public":
                params["local"] = "true" if value == "public:local" else None
                return await self.client.request(
                    "GET", base, "/api/v1/timelines/public", params=params
                )
            if value.startswith("@") or "@" in value:
                account_id = await self._account_id(base, value.lstrip("@"))
                path = f"/api/v1/accounts/{account_id}/statuses"
                return await self.client.request("GET", base, path, params=params)
        raise BadRequest(f"mastodon: cannot fetch {kind!r} {value!r}")

    async def _account_id(self, base: str, acct: str) -> str:
        key = (base, acct.lower())
        if key not in self._accounts:
            response = await self.client.request(
                "GET", base, "/api/v1/accounts/lookup", params={"acct": acct}
            )
            if not isinstance(response.data, dict) or not response.data.get("id"):
                raise MalformedPayload("mastodon: account lookup without id", _dump(response.data))
            self._accounts[key] = str(response.data["id"])
        return self._accounts[key]

    # -- streaming ----------------------------------------------------------------

    async def stream(self, target: Target, cursor: Mapping[str, Any] | None) -> AsyncIterator[Page]:
        """``update`` events from every instance, merged; the first cut raises."""
        value = target.value.strip()
        if value.startswith("#"):
            path, params = "/api/v1/streaming/hashtag", {"tag": value.lstrip("#")}
        elif value in ("public", "public:local", ""):
            path, params = f"/api/v1/streaming/{value.replace(':', '/') or 'public'}", {}
        else:
            raise BadRequest(f"mastodon: cannot stream {value!r} (use #tag or public)")
        queue: asyncio.Queue[tuple[str, str, str] | BaseException] = asyncio.Queue(maxsize=1000)

        async def pump(base: str) -> None:
            try:
                async for event, data in self.client.events(base, path, params):
                    await queue.put((base, event, data))
            except BaseException as exc:  # handed to the consumer, which re-raises
                queue.put_nowait(exc)
                raise

        tasks = [asyncio.create_task(pump(base)) for base in self.instances]
        last: dict[str, str] = dict((cursor or {}).get("last_id") or {})
        try:
            while True:
                item = await queue.get()
                if isinstance(item, BaseException):
                    raise item
                base, event, data = item
                if event not in ("update", "status.update"):
                    continue  # delete, notification, filters_changed...
                page = self._stream_page(base, data, target)
                for mention in page.mentions:
                    local = str((mention.raw or {}).get("id") or "")
                    if local:
                        last[host_of(base)] = local
                page.cursor = {"last_id": dict(last)}
                yield page
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _stream_page(self, base: str, data: str, target: Target) -> Page:
        host = host_of(base)
        try:
            status = orjson.loads(data)
            mention = from_status(
                status,
                host=host,
                collected_via=f"mastodon:{host}:stream",
                match_query=target.match_query or target.value,
                collected_at=self.clock(),
            )
        except (orjson.JSONDecodeError, NormalizeError, TypeError, ValueError, KeyError) as exc:
            return Page(done=False, rejected=[Rejected(reason_of(exc), data, f"{host}:stream")])
        return Page(mentions=[mention], done=False)

    # -- publishing ---------------------------------------------------------------

    async def publish(self, text: str, *, reply_to: str | None = None, account: str = "") -> str:
        """Post on ``publish_instance`` (or ``account``'s instance); returns the new uri."""
        base = instance_url(account) if account else self.publish_instance
        data: dict[str, Any] = {"status": text}
        if reply_to:
            data["in_reply_to_id"] = await self._local_id(base, reply_to)
        response = await self.client.request("POST", base, "/api/v1/statuses", data=data, auth=True)
        if not isinstance(response.data, dict) or not response.data.get("uri"):
            raise MalformedPayload("mastodon: POST /statuses without uri", _dump(response.data))
        return str(response.data["uri"])

    async def _local_id(self, base: str, ref: str) -> str:
        """Our reference (``host:id`` or a status uri) -> the status id on ``base``."""
        host, _, local = ref.rpartition(":")  # hosts may carry a port
        if local.isdigit() and host == host_of(base):
            return local
        response = await self.client.request(
            "GET",
            base,
            "/api/v2/search",
            params={"q": ref, "type": "statuses", "resolve": "true", "limit": 1},
            auth=True,
        )
        found = response.data.get("statuses") if isinstance(response.data, dict) else None
        if not found or not found[0].get("id"):
            raise BadRequest(f"mastodon: cannot reply, status not found on {host_of(base)}: {ref}")
        return str(found[0]["id"])

    async def close(self) -> None:
        await self.client.close()


def _dump(item: Any) -> str:
    try:
        return orjson.dumps(item).decode()
    except TypeError:
        return repr(item)
