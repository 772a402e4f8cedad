"""What people of a watchlist talk about: topics per person and across people.

A **term** of a post is one of its keyphrases, keyed by
:func:`socialhub.enrichers.keyphrases.phrase_key` (case and accents folded, so
"Fibre optique" and "fibre optique" are one term), or one of its entities (people,
organisations, places, products, hashtags: ``#fibre`` and the keyphrase "fibre" are
one term). Links and @handles are not topics.

Terms are grouped into **topics** by co-occurrence over the group's posts in the
period: two terms join when they appear together in more than half of the posts of
either (Jaccard similarity of their post sets > 0.5), connected components taken.
So the phrases of one post form one topic, and a term found in many posts about
different things (the brand's name) is not glued to each of them: it stays a topic
of its own.

Per person, a topic is named and illustrated **only from that person's posts**: its
label lists the topic's terms the person used, most used first, and its examples are
the person's own posts. Across people, topics rank by how many people raised them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from socialhub.models import Mention
from socialhub.text import phrase_key

__all__ = ["PersonTopics", "Topic", "group_topics", "terms_of"]

_SKIP_ENTITY_TYPES = {"URL", "MENTION", "EMAIL"}
MAX_TERMS_IN_LABEL = 3
MAX_TOPICS_PER_PERSON = 5
MAX_EXAMPLES = 2


def terms_of(m: Mention, workspace_id: int | None = None) -> dict[str, str]:
    """Term key -> readable form, for one post."""
    out: dict[str, str] = {}
    for entity in m.entities:
        if entity.get("type") in _SKIP_ENTITY_TYPES:
            continue
        ws = entity.get("workspace_id")
        if ws is not None and workspace_id is not None and ws != workspace_id:
            continue  # another tenant's dictionary entry
        text = str(entity.get("text", ""))
        # rules give the canonical name as id ("Mirabelle Télécom" for "@MirabelleTel")
        form = str(entity.get("id") or text) if entity.get("source") == "rules" else text
        form = form.lstrip("#")
        key = phrase_key(form)
        if key:
            out.setdefault(key, form)
    for phrase in m.keyphrases:
        key = phrase_key(phrase)
        if key:
            out.setdefault(key, phrase)
    return out


@dataclass(slots=True)
class Topic:
    """A group of terms; ``people``: who raised it (display names)."""

    label: str
    terms: list[str]
    people: list[str] = field(default_factory=list)
    posts: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "terms": self.terms,
            "people": self.people,
            "posts": self.posts,
            "examples": self.examples,
        }


@dataclass(slots=True)
class PersonTopics:
    name: str
    handle: str
    platform: str
    notes: str
    posts: int
    topics: list[Topic]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "handle": self.handle,
            "platform": self.platform,
            "notes": self.notes,
            "posts": self.posts,
            "topics": [t.as_dict() for t in self.topics],
        }


def example(m: Mention) -> dict[str, Any]:
    """A post as reports show it (text is hostile: templates escape it)."""
    text = m.text if len(m.text) <= 280 else m.text[:279] + "…"
    return {
        "id": m.id,
        "url": m.url,
        "text": text,
        "author": m.author_handle,
        "name": m.author.name if m.author else "",
        "followers": m.author.followers if m.author else 0,
        "platform": m.platform,
        "created_at": m.created_at.isoformat(),
        "engagement": m.engagement.total(),
        "sentiment": m.sentiment_label,
    }


def _clusters(posts: Sequence[dict[str, str]]) -> dict[str, str]:
    """Term key -> cluster id (the smallest key of its component)."""
    where: dict[str, set[int]] = defaultdict(set)
    for i, terms in enumerate(posts):
        for key in terms:
            where[key].add(i)
    parent = {k: k for k in where}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    pairs: set[tuple[str, str]] = set()
    for terms in posts:
        keys = sorted(terms)
        pairs.update((a, b) for i, a in enumerate(keys) for b in keys[i + 1 :])
    for a, b in pairs:
        both = len(where[a] & where[b])
        if both / (len(where[a]) + len(where[b]) - both) > 0.5:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {k: find(k) for k in where}


def _weight(m: Mention) -> tuple[int, int, str]:
    return (m.engagement.total(), m.author.followers if m.author else 0, m.id)


def group_topics(
    mentions: Sequence[Mention],
    who: Callable[[Mention], tuple[str, str, str] | None],
    *,
    workspace_id: int | None = None,
    top_topics: int = 10,
) -> tuple[list[PersonTopics], list[Topic]]:
    """Topics per person and across people for the posts whose author ``who`` knows.

    ``who(m)`` gives (display name, watchlist name, notes) or None for a post by
    someone outside the group. Returns people sorted by number of posts, and the
    cross-people topics ranked by how many people raised them, then by posts.
    """
    posts = [m for m in mentions if who(m) is not None]
    terms = [terms_of(m, workspace_id) for m in posts]
    cluster = _clusters(terms)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for t in terms:
        for key, surface in t.items():
            forms[key][surface] += 1

    def form(key: str) -> str:
        return forms[key].most_common(1)[0][0]

    # One person may post from several accounts (x and news): grouped by display name.
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(posts):
        by_person[(who(m) or ("", "", ""))[0]].append(i)
    people: list[PersonTopics] = []
    raised: dict[str, set[str]] = defaultdict(set)  # cluster -> people
    cluster_posts: dict[str, list[int]] = defaultdict(list)
    for name, idx in by_person.items():
        _, _, notes = who(posts[idx[0]]) or ("", "", "")
        handle, platform = posts[idx[0]].author_handle, posts[idx[0]].platform
        per_cluster: dict[str, list[int]] = defaultdict(list)
        for i in idx:
            for c in {cluster[k] for k in terms[i]}:
                per_cluster[c].append(i)
        # Clusters found in exactly the same posts of this person are one topic for
        # them (the global clusters split what one person said in one breath).
        same_posts: dict[tuple[int, ...], list[str]] = defaultdict(list)
        for c, found in per_cluster.items():
            raised[c].add(name)
            cluster_posts[c].extend(found)
            same_posts[tuple(sorted(set(found)))].append(c)
        topics = []
        for found_posts, clusters in same_posts.items():
            mine = set(clusters)
            used: Counter[str] = Counter(
                k for i in found_posts for k in terms[i] if cluster[k] in mine
            )
            keys = [k for k, _ in used.most_common(MAX_TERMS_IN_LABEL)]
            best = sorted((posts[i] for i in found_posts), key=_weight, reverse=True)
            topics.append((Topic(", ".join(form(k) for k in keys), keys, [name], len(best)), best))
        topics.sort(key=lambda tb: (-tb[0].posts, -_weight(tb[1][0])[0], tb[0].label))
        shown: set[str] = set()  # a post illustrates one topic only, for one person
        for topic, best in topics:
            fresh = [m for m in best if m.id not in shown][:MAX_EXAMPLES]
            shown.update(m.id for m in fresh)
            topic.examples = [example(m) for m in fresh]
        people.append(
            PersonTopics(
                name,
                handle,
                platform,
                notes,
                len(idx),
                [t for t, _ in topics[:MAX_TOPICS_PER_PERSON]],
            )
        )
    people.sort(key=lambda p: (-p.posts, p.name))
    across = []
    for c, names in raised.items():
        found = sorted(set(cluster_posts[c]))
        used = Counter(k for i in found for k in terms[i] if cluster[k] == c)
        keys = [k for k, _ in used.most_common(MAX_TERMS_IN_LABEL)]
        best = sorted((posts[i] for i in found), key=_weight, reverse=True)
        across.append(
            Topic(
                label=", ".join(form(k) for k in keys),
                terms=keys,
                people=sorted(names),
                posts=len(found),
                examples=[example(m) for m in best[:MAX_EXAMPLES]],
            )
        )
    across.sort(key=lambda t: (-len(t.people), -t.posts, t.label))
    return people, across[:top_topics]
