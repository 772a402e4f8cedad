"""The briefing parts of the digest, read from the stories (``store.stories``):
"L'essentiel" (the 3–5 most important stories of the period, each with why it matters,
who is talking, reach and trend, tone for the brand, whether we answered and a suggested
action), the press opportunities (journalists' requests) and what each journalist said,
grouped by story and ranked by importance.

Suggested actions come from rules (workspace setting ``briefing_rules``, a list of
tables ``{when = {...}, action = "...", owner = "..."}``; the first matching rule wins;
see :func:`validate_rules`). With none configured, :data:`DEFAULT_RULES` apply. A rule's
``when`` may hold ``press_request`` (a post of the story is a journalist's request),
``voice`` (a listed voice type is in the story: journalist, mp, partner, influencer),
``tone`` (the story's tone for the brand), ``answered`` (true/false),
``category`` (a category of the story) and ``min_importance``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from socialhub.alerts.official import organisation_handles
from socialhub.enrichers.press_requests import CATEGORY as PRESS_REQUEST
from socialhub.enrichers.press_requests import press_request
from socialhub.i18n import M_, N_
from socialhub.models import Mention, Workspace
from socialhub.records.stories import StoryRecord
from socialhub.reports.data import Scope
from socialhub.reports.tone import Subjects, story_tone
from socialhub.reports.topics import example
from socialhub.store.base import Store
from socialhub.text import norm_handle

__all__ = [
    "DEFAULT_RULES",
    "essentials",
    "is_press_request",
    "journalists_by_story",
    "press_opportunities",
    "validate_press_officer",
    "validate_rules",
]

SETTING = "briefing_rules"
PRESS_OFFICER_SETTING = "press_officer"  # who answers journalists (a name or a role)
MIN_ITEMS, MAX_ITEMS = 3, 5
SAMPLE = 300  # member posts read per story (tone, answers, press requests)
_WORD = re.compile(r"[^\W\d_]{3,}")
_WHEN_KEYS = {"press_request", "voice", "tone", "answered", "category", "min_importance"}

# msgids: translated where they are shown
DEFAULT_RULES: list[dict[str, Any]] = [
    {"when": {"press_request": True}, "action": N_("Answer the journalist's request"),
     "owner": "press_officer"},
    {"when": {"tone": "negative", "answered": False, "voice": "journalist"},
     "action": N_("Offer the journalists the company's position"), "owner": "press_officer"},
    {"when": {"tone": "negative", "answered": False},
     "action": N_("Draft a holding statement and answer from the official accounts"),
     "owner": "press_officer"},
    {"when": {"voice": "mp"}, "action": N_("Brief public affairs on the MPs' statements"),
     "owner": N_("public affairs")},
    {"when": {"tone": "negative"}, "action": N_("Follow up: check our answers are read"),
     "owner": N_("community managers")},
    {"when": {"tone": "positive"}, "action": N_("Relay and thank the authors"),
     "owner": N_("community managers")},
    {"when": {}, "action": N_("Keep watching"), "owner": ""},
]  # fmt: skip


def validate_rules(value: Any) -> list[str]:
    """Errors in the ``briefing_rules`` setting.

    >>> validate_rules([{"when": {"press_request": True}, "action": "Call", "owner": "Léa"}])
    []
    >>> validate_rules([{"when": {"colour": "red"}, "action": "x"}])
    ["briefing_rules[0]: unknown condition 'colour'"]
    """
    if not isinstance(value, list):
        return [M_("briefing_rules: expected a list of tables")]
    errors: list[str] = []
    for i, rule in enumerate(value):
        if not isinstance(rule, dict) or not isinstance(rule.get("action"), str):
            errors.append(M_("briefing_rules[%(i)s]: expected a table with an action", i=i))
            continue
        for key in rule.get("when") or {}:
            if key not in _WHEN_KEYS:
                errors.append(M_("briefing_rules[%(i)s]: unknown condition %(key)r", i=i, key=key))
    return errors


def validate_press_officer(value: Any) -> list[str]:
    """The ``press_officer`` setting: who answers journalists (a name, a role)."""
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        return [M_('press_officer: expected a name, e.g. press_officer = "Léa Martin (presse)"')]
    return []


def _rules(settings: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    value = settings.get(SETTING)
    if value and not validate_rules(value):
        return list(value), False
    return DEFAULT_RULES, True


def _matches(when: dict[str, Any], facts: dict[str, Any]) -> bool:
    for key, want in when.items():
        if key == "min_importance":
            if facts["importance"] < float(want):
                return False
        elif key == "voice":
            if want not in facts["voice_types"]:
                return False
        elif key == "category":
            if want not in facts["categories"]:
                return False
        elif facts.get(key) != want:
            return False
    return True


def suggest(facts: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """The first matching rule's action and owner (translated when a default)."""
    from socialhub.i18n import gettext as _

    rules, defaults = _rules(settings)
    officer = str(settings.get(PRESS_OFFICER_SETTING) or _("the press officer in charge"))
    for rule in rules:
        if _matches(dict(rule.get("when") or {}), facts):
            owner = str(rule.get("owner", ""))
            owner = officer if owner == "press_officer" else (_(owner) if defaults else owner)
            action = _(rule["action"]) if defaults else str(rule["action"])
            return {"action": action, "owner": owner}
    return {"action": "", "owner": ""}


def is_press_request(m: Mention) -> bool:
    if any(isinstance(c, dict) and c.get("name") == PRESS_REQUEST for c in m.categories):
        return True
    return press_request(m.text) is not None


def _why(story: StoryRecord) -> list[str]:
    """The importance components that weigh most, in words."""
    from socialhub.i18n import format_number, format_percent, ngettext
    from socialhub.i18n import gettext as _

    out: list[str] = []
    parts = sorted(story.explanation, key=lambda p: -float(p.get("points", 0)))
    for p in parts:
        if float(p.get("points", 0)) < 2.5 or len(out) == 3:
            continue
        name, value = p.get("component"), p.get("value", 0)
        if name == "who":
            voices = len(story.voices)
            authors = ngettext("%(n)s author", "%(n)s authors", story.authors) % {
                "n": format_number(story.authors)
            }
            listed = ngettext("%(n)s listed voice", "%(n)s listed voices", voices) % {"n": voices}
            out.append(f"{listed}, {authors}" if voices else authors)
        elif name == "reach":
            out.append(
                ngettext("%(n)s follower reached", "%(n)s followers reached", story.reach)
                % {"n": format_number(story.reach)}
            )
        elif name == "velocity":
            out.append(_("%(x)s× its usual hourly volume") % {"x": format_number(value, 1)})
        elif name == "negativity":
            out.append(_("%(p)s negative posts") % {"p": format_percent(float(value))})
        elif name == "crisis":
            out.append(_("%(p)s in a crisis category") % {"p": format_percent(float(value))})
        elif name == "novelty":
            out.append(_("new: peaked %(h)s h after its first post")
                       % {"h": format_number(value, 1)})  # fmt: skip
    return out


def _trend(story: StoryRecord, start: datetime, end: datetime, members: Sequence[Mention]) -> str:
    """rising / at its peak / falling / quiet, judged at the end of the period."""
    recent = sum(1 for m in members if end - timedelta(hours=2) <= m.created_at < end)
    before = sum(
        1 for m in members if end - timedelta(hours=4) <= m.created_at < end - timedelta(hours=2)
    )
    if recent == 0:
        return "quiet"
    if recent > 1.5 * before + 1:
        return "rising"
    if before > 1.5 * recent + 1:
        return "falling"
    return "steady"


STORIES = 5  # a journalist's stories kept (the length budget shows fewer)
CANDIDATES = 12  # stories (by importance) weighed for the brand
TONE_POINTS = {"negative": 15.0, "mixed": 7.5, "neutral": 0.0, "positive": 0.0}


def for_the_brand(story: StoryRecord, tone: str) -> float:
    """The story's importance with its negativity judged on the tone for the brand
    (the score's sentiment-based negativity, up to 15 points, replaced by 15 for bad
    news, 7.5 for mixed)."""
    negativity = sum(
        float(p.get("points", 0)) for p in story.explanation if p.get("component") == "negativity"
    )
    return story.importance - negativity + TONE_POINTS.get(tone, 0.0)


def essentials(
    store: Store,
    ws: Workspace,
    start: datetime,
    end: datetime,
    scope: Scope,
    *,
    limit: int = MAX_ITEMS,
    usual: Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """The period's most important stories, as "L'essentiel" shows them (``usual``: the
    period's sentiment mix about the brand, which a story's tone is weighed against)."""
    assert ws.id is not None
    settings = store.workspaces.get_workspace_settings(ws.id)
    official = organisation_handles(store.engage.list_accounts(), settings)
    stories = store.stories.list_stories(
        ws.id, since=start, until=end, order="importance", min_size=3, limit=40
    )
    if not stories:
        return []
    # a story whose headline has no words (an emoji, a bare link) is chatter, not news
    stories = [s for s in stories if len(_WORD.findall(s.headline)) >= 2]
    if not stories:
        return []
    # rank the leading candidates by importance for the brand: the importance score's
    # negativity (post sentiment) is replaced by the story's tone for the brand, so bad
    # news told in neutral words weighs as bad news
    subjects = Subjects(store.workspaces.list_queries(ws.id), scope)
    ranked = []
    for s in stories[:CANDIDATES]:
        assert s.id is not None
        members = store.stories.mentions(ws.id, s.id, limit=SAMPLE)
        tone = story_tone(
            s.headline,
            members,
            s.sentiment,
            s.categories,
            subjects,
            routed_to_brand=bool(set(s.query_ids) & scope.brand) or not scope.brand,
            usual=usual,
        )
        ranked.append((for_the_brand(s, tone.tone), s, members, tone))
    ranked.sort(key=lambda r: -r[0])
    top = ranked[0][0]
    chosen = [r for i, r in enumerate(ranked[:limit]) if i < MIN_ITEMS or r[0] >= top / 2]
    out = []
    for score, s, members, tone in chosen:
        assert s.id is not None
        in_period = [m for m in members if start <= m.created_at < end]
        answers = sorted(
            (m for m in members if m.author and norm_handle(m.author.handle) in official),
            key=lambda m: m.created_at,
        )
        requests = [m for m in in_period if is_press_request(m) and scope.member("journalist", m)]
        voice_types = {v.get("type", "") for v in s.voices}
        facts = {
            "importance": score,
            "tone": tone.tone,
            "competitor": tone.competitor,
            "answered": bool(answers),
            "press_request": bool(requests),
            "voice_types": voice_types,
            "categories": set(s.categories),
        }
        # one line per person (the same journalist on two platforms is one voice)
        by_name: dict[str, dict[str, Any]] = {}
        for v in sorted(s.voices, key=lambda v: -int(v.get("followers", 0))):
            by_name.setdefault(str(v.get("name") or v.get("handle")).casefold(), v)
        voices = list(by_name.values())
        out.append(
            {
                "story_id": s.id,
                "key": s.key,
                "headline": s.headline,
                "importance": round(score, 1),
                "story_importance": s.importance,
                "why": _why(s),
                "voices": [
                    {
                        "name": v.get("name") or v.get("handle"),
                        "handle": v.get("handle"),
                        "type": v.get("type", ""),
                        "followers": v.get("followers", 0),
                    }
                    for v in voices[:6]
                ],
                "voices_more": max(0, len(voices) - 6),
                "size": s.size,
                "posts_in_period": len(in_period),
                "authors": s.authors,
                "reach": s.reach,
                "first_seen": s.first_seen.isoformat(),
                "peak_at": s.peak_at.isoformat(),
                "peak_count": s.peak_count,
                "trend": _trend(s, start, end, members),
                "tone": tone.tone,
                "competitor": tone.competitor,
                "answered": bool(answers),
                "answers": [
                    {
                        "account": m.author.handle if m.author else "",
                        "at": m.created_at.isoformat(),
                        "text": " ".join(m.text.split())[:200],
                        "url": m.url,
                    }
                    for m in answers[:3]
                ],
                "press_requests": [example(m) for m in requests[:2]],
                "suggestion": suggest(facts, settings),
            }
        )
    return out


def press_opportunities(
    current: Sequence[Mention],
    scope: Scope,
    settings: dict[str, Any],
    importance: Mapping[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Listed journalists' requests of the period, with who answers them: most important
    first (the importance of the request's story, ``importance``: mention id → score;
    then the journalist's audience), a length budget cuts the least important."""
    from socialhub.i18n import gettext as _

    officer = str(settings.get(PRESS_OFFICER_SETTING) or _("the press officer in charge"))
    out = []
    seen: set[str] = set()
    for m in sorted(current, key=lambda m: (m.created_at, m.id)):
        who = scope.member("journalist", m)
        if who is None or m.repost_of or not is_press_request(m) or m.text in seen:
            continue
        seen.add(m.text)
        out.append({**example(m), "journalist": who[0], "outlet": who[2], "routed_to": officer,
                    "importance": float((importance or {}).get(m.id, 0.0))})  # fmt: skip
    out.sort(key=lambda r: (-r["importance"], -int(r["followers"]), r["created_at"]))
    return out


def journalists_by_story(
    store: Store, ws: Workspace, current: Sequence[Mention], scope: Scope, *, people: int = 30
) -> list[dict[str, Any]]:
    """Each listed journalist's posts grouped by story, journalists ranked by the
    importance of the most important story they spoke in (then by posts)."""
    assert ws.id is not None
    theirs = [(m, scope.member("journalist", m)) for m in current]
    posts = [(m, who) for m, who in theirs if who is not None and not m.repost_of]
    story_of = store.stories.stories_of(ws.id, [m.id for m, _ in posts])
    records: dict[int, StoryRecord | None] = {}
    for story_id in set(story_of.values()):
        records[story_id] = store.stories.get(ws.id, story_id)
    by_person: dict[str, dict[str, Any]] = {}
    for m, who in posts:
        assert who is not None and m.author is not None
        person = by_person.setdefault(
            m.author.handle,
            {"name": who[0], "handle": m.author.handle, "notes": who[2], "posts": 0,
             "stories": {}, "importance": 0.0},
        )  # fmt: skip
        person["posts"] += 1
        sid = story_of.get(m.id)
        rec = records.get(sid) if sid is not None else None
        if rec is not None and rec.merged_into is None:
            key, headline, importance = str(sid), rec.headline, rec.importance
        else:
            key, headline, importance = f"post:{m.id}", " ".join(m.text.split())[:140], 0.0
        group = person["stories"].setdefault(
            key, {"headline": headline, "importance": importance, "posts": 0, "examples": []}
        )
        group["posts"] += 1
        if len(group["examples"]) < 1:
            group["examples"].append(example(m))
        person["importance"] = max(person["importance"], importance)
    ranked = sorted(by_person.values(), key=lambda p: (-p["importance"], -p["posts"], p["name"]))
    out = []
    for p in ranked[:people]:
        groups = sorted(p["stories"].values(), key=lambda g: (-g["importance"], -g["posts"]))
        out.append(
            {**p, "stories": groups[:STORIES], "stories_more": max(0, len(groups) - STORIES)}
        )
    return out
