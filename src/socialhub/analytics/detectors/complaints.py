"""Complaint bursts by category and place: the quality-of-service outage detector."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick

from socialhub.analytics.detectors.burst import (
    BurstCore,
    BurstParams,
    Verdict,
    thread_of,
    ts,
)
from socialhub.analytics.detectors.series import tokens
from socialhub.analytics.params import Parametrised
from socialhub.models import Mention, as_utc, is_brand_voice
from socialhub.records.signals import Signal
from socialhub.text import fold, index_tokens

# Used only when a mention carries no categories (the categories stage is off or slow):
# built-in French and English vocabularies per complaint category (complaint_terms.toml).
TERMS_FILE = "complaint_terms.toml"


@lru_cache(maxsize=1)
def default_vocabulary() -> dict[str, list[str]]:
    """``{category: [terms]}``, French and English together, from ``complaint_terms.toml``
    (whole words; a trailing ``*`` makes a prefix)."""
    ref = resources.files("socialhub.analytics.detectors") / TERMS_FILE
    data = tomllib.loads(ref.read_text(encoding="utf-8"))
    return {cat: [*t.get("fr", []), *t.get("en", [])] for cat, t in data.items()}


def _scanner(fallback: Mapping[str, list[str]]) -> ahocorasick.Automaton | None:
    """One automaton over every category's patterns; a pattern's value is the set of
    the categories (by their rank in ``fallback``) it belongs to. One pass over the
    text instead of a substring search per pattern (284 by default): the same
    categories as ``any(p in text for p in patterns)``, since it reports every
    occurrence of every pattern."""
    owners: dict[str, set[int]] = {}
    for i, patterns in enumerate(fallback.values()):
        for p in patterns:
            owners.setdefault(p, set()).add(i)
    if not owners:
        return None
    auto = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for p, ranks in owners.items():
        auto.add_word(p, frozenset(ranks))
    auto.make_automaton()
    return auto


def _pattern(term: str) -> str:
    """A vocabulary term as a substring of ``" " + " ".join(tokens) + " "``."""
    prefix = term.endswith("*")
    words = " ".join(index_tokens(fold(term.rstrip("*")).replace("'", " ")))
    return f" {words}" if prefix else f" {words} "


# Used only when a mention carries no places: French cities over ~100,000 inhabitants
# (folded), matched as whole words in the text.
DEFAULT_CITIES = (
    "paris marseille lyon toulouse nice nantes montpellier strasbourg bordeaux lille "
    "rennes reims toulon grenoble dijon angers nimes villeurbanne clermont ferrand "
    "le mans aix en provence brest tours amiens limoges annecy perpignan boulogne "
    "billancourt metz besancon orleans saint etienne rouen argenteuil mulhouse montreuil "
    "caen nancy saint denis roubaix tourcoing avignon poitiers"
)
_MULTI = ("clermont ferrand", "le mans", "aix en provence", "boulogne billancourt",
          "saint etienne", "saint denis")  # fmt: skip


class PlaceCore(BurstCore):
    """The burst test whose place keys expect their *share* of the category's
    complaints: a place's expected count is its share (complaints naming it over all
    the category's complaints, both decayed with a ``share_half_life``, the place's
    own frozen while it alerts) times the category-everywhere baseline, which follows
    the day's cycle. Complaints of one place are sparse: with its own baseline (cold
    start, half-life 30 minutes until every hour of a day is known) an outage's first
    half-hour ramp became the place's new normal, and Grenoble's 472 complaints never
    reached the threshold; a share moves slowly, and is right at any hour."""

    def __init__(self, params: BurstParams, share_half_life: float, prior: float) -> None:
        super().__init__(params)
        self.decay = math.log(2) / share_half_life
        self.prior = prior  # complaints of the category before a place's share is trusted
        self.shares: dict[str, list[float]] = {}  # key -> [decayed count, at]

    def _decayed(self, key: str, t: float) -> float:
        cell = self.shares.get(key)
        if cell is None:
            return 0.0
        return cell[0] * math.exp(-self.decay * max(0.0, t - cell[1]))

    def count(self, key: str, t: float) -> None:
        """One complaint for ``key`` at ``t`` (the place's not while it alerts)."""
        st = self.keys.get(key)
        if st is not None and st.alert_since is not None and not key.endswith(":*"):
            return
        self.shares[key] = [self._decayed(key, t) + 1.0, t]

    def _tune(self, key: str, t: float) -> None:
        if key.endswith(":*"):
            return
        national = key[: key.rindex(":") + 1] + "*"
        st, nat = self.keys.get(key), self.keys.get(national)
        if st is None or nat is None:
            return
        total = self._decayed(national, t)
        share = self._decayed(key, t) / (total + self.prior)
        b, nb = st.baseline, nat.baseline
        b.level = share * nb.level * nb.factor(t) / max(b.factor(t), 0.05)
        st.need_step = -1  # the thresholds follow the new level

    def add(self, key: str, t: float, mention_id: str, thread: str | None = None) -> Verdict | None:
        self._tune(key, t)
        return super().add(key, t, mention_id, thread)

    def follow(self, key: str, t: float) -> tuple[str, Verdict] | None:
        self._tune(key, t)
        return super().follow(key, t)


def _city_table(names: Iterable[str]) -> set[str]:
    return {" ".join(index_tokens(n)) for n in names if n.strip()}


class ComplaintDetector(Parametrised):
    """Bursts of complaints of one category in one place (``network_outage`` in Lyon).

    Keys are ``complaint:<category>:<place>`` (plus ``complaint:<category>:*`` for the
    category everywhere). Categories come from ``Mention.categories`` (score at least
    ``min_score``), else from ``fallback`` keyword prefixes; places from
    ``Mention.places`` (cities and towns), else from ``cities`` named in the text.
    Each key runs the same seasonal, spike-robust burst test as the volume detector
    (robust Holt-Winters after Gelper, Fried & Croux, *Journal of Forecasting* 29(3),
    2010, with an over-dispersed Poisson z-score and a count floor), with windows of
    5, 15 and 60 minutes because complaints per city are sparse.

    Parameters
    ----------
    categories
        Only these category names (default: every category seen but ``exclude``).
    exclude
        Categories that are not complaints (default: ``praise``): a wave of
        compliments is the campaign's business, not the quality-of-service team's.
    min_score
        Minimum category score.
    z, min_count, min_ratio, windows, warmup, shrink, lag_below
        As for the volume detector (``shrink``: a sparse key's daily profile is pulled
        towards flat, so a category seen at one hour yesterday is not 20 times as
        surprising at another today).
    fallback
        ``{category: [folded prefixes]}`` for mentions without categories: replaces the
        built-in French and English vocabularies (``complaint_terms.toml``: network
        outage, billing, customer service, delivery, delays and cancellations, refunds,
        product defect, data privacy, staff).
    vocabulary
        ``{category: [terms]}`` added to those (a new category, or more words for one):
        whole words, a trailing ``*`` for a prefix (``"rembours*"``).
    cities
        Place names looked for in the text when a mention has no places.
    share_half_life, share_prior
        A place expects its share of the category's complaints (decayed with this
        half-life, seconds; the share counts ``share_prior`` more complaints of the
        category, so a new stream's first places are not trusted at once).
    national_places, national_hold
        The category everywhere (``…:*``) is told only when it is not a few places'
        surge: its verdict waits ``national_hold`` seconds, then is told if no place
        is alerting or at least ``national_places`` are (told later if that many
        places rise while it lasts); otherwise the places' alerts say it all.
    routed_only
        Skip mentions that matched no query and carry no categories (the QoS
        workspace's queries say what belongs to its stream).

    Examples
    --------
    >>> from datetime import UTC, datetime, timedelta
    >>> from socialhub.models import Mention
    >>> det = ComplaintDetector(min_count=6, routed_only=False)
    >>> t0 = datetime(2026, 3, 2, tzinfo=UTC)
    >>> towns = ["Lyon", "Paris", "Lille", "Nantes"]
    >>> quiet = [Mention("x", str(i), f"panne internet a {towns[i % 4]}",
    ...                  t0 + timedelta(minutes=10 * i)) for i in range(30)]
    >>> sum(len(det.update(m)) for m in quiet)  # a few a day, everywhere
    0
    >>> wave = [Mention("x", f"w{i}", "Plus de réseau à Lyon !", t0 + timedelta(
    ...     minutes=300, seconds=15 * i)) for i in range(20)]
    >>> fired = [s for m in wave for s in det.update(m)]
    >>> [s.key for s in fired]  # one city: its alert, not "complaints everywhere"
    ['complaint:network_outage:lyon']
    """

    name = "complaints"
    # 2: thread cap; 3: praise excluded; 4: French and English vocabularies;
    # 5: a place expects its share of the category, text places first, national held;
    # 6: a silenced national alert is followed, so it ends and a later wave is told
    version = "6"

    def __init__(
        self,
        *,
        categories: Iterable[str] | None = None,
        exclude: Iterable[str] = ("praise",),
        min_score: float = 0.5,
        z: float = 4.5,
        min_count: int = 8,
        min_ratio: float = 3.0,
        windows: tuple[float, ...] | list[float] = (300.0, 900.0, 3600.0),
        warmup: float = 3600.0,
        per_thread: int = 2,
        shrink: float = 30.0,
        lag_below: float = 1.0,
        fallback: Mapping[str, list[str]] | None = None,
        vocabulary: Mapping[str, list[str]] | None = None,
        cities: Iterable[str] | None = None,
        routed_only: bool = True,
        workspaces: Mapping[int, int] | None = None,
        labels: Mapping[str, str] | None = None,
        share_half_life: float = 3 * 86400.0,
        share_prior: float = 20.0,
        national_places: int = 4,
        national_hold: float = 900.0,
    ) -> None:
        self.params = BurstParams(
            step=30.0,
            z=float(z),
            min_count=int(min_count),
            min_ratio=float(min_ratio),
            windows=tuple(sorted(float(w) for w in windows)),
            warmup=float(warmup),
            per_thread=int(per_thread),
            warmup_per_key=False,
            shrink=float(shrink),
            lag_below=float(lag_below),
            lag_cold=False,  # no pool of similar keys: a first morning would look like news
        )
        self.core: PlaceCore = PlaceCore(self.params, float(share_half_life), float(share_prior))
        self.national_places = int(national_places)
        self.national_hold = float(national_hold)
        self.held: dict[str, tuple[float, int | None, Verdict]] = {}  # national, waiting
        self.silenced: set[str] = set()  # national alerts the places explained
        self.only = set(categories) if categories is not None else None
        self.exclude = frozenset(exclude)
        self.min_score = float(min_score)
        if fallback is None:
            pats = {c: [_pattern(w) for w in words] for c, words in default_vocabulary().items()}
        else:  # folded prefixes, as before vocabularies existed
            pats = {c: [" " + fold(p).replace("'", " ") for p in ps] for c, ps in fallback.items()}
        for c, words in (vocabulary or {}).items():
            pats.setdefault(c, []).extend(_pattern(w) for w in words)
        self.fallback = {c: sorted(set(ps)) for c, ps in pats.items()}
        self.cities = (
            _city_table(cities)
            if cities is not None
            else set(DEFAULT_CITIES.split()) - {w for m in _MULTI for w in m.split()} | set(_MULTI)
        )
        self.longest = max((c.count(" ") + 1 for c in self.cities), default=1)
        self.routed_only = routed_only
        self.labels = dict(labels or {})
        self.workspaces = workspaces
        self.clock = 0.0

    def __setstate__(self, state: dict[str, object]) -> None:
        """Checkpoints written before ``exclude`` existed get its default."""
        self.__dict__.update(state)
        if not hasattr(self, "exclude"):
            self.exclude = frozenset({"praise"})
        for name, value in (("national_places", 4), ("national_hold", 900.0), ("held", {}),
                            ("silenced", set())):  # fmt: skip
            if not hasattr(self, name):
                setattr(self, name, value)
        if not isinstance(self.core, PlaceCore):  # a version 3 checkpoint: keep its keys
            core = PlaceCore(self.params, 3 * 86400.0, 20.0)
            core.__dict__.update(vars(self.core))
            self.core = core

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_scan", None)  # derived from ``fallback``; rebuilt on first use
        state.pop("_names", None)
        state.pop("_memo_for", None)  # places alerting per national key: derived
        state.pop("_memo", None)
        return state

    def _categories(self, text: str) -> list[str]:
        """The categories whose patterns occur in ``text``, in ``fallback``'s order."""
        if "_scan" not in self.__dict__:
            self._scan = _scanner(self.fallback)
            self._names = list(self.fallback)
        if self._scan is None:
            return []
        found: set[int] = set()
        for _end, ranks in self._scan.iter(text):
            found |= ranks
        return [self._names[i] for i in sorted(found)]

    def keys(self, m: Mention) -> list[tuple[str, int | None]]:
        if is_brand_voice(m.categories):  # the brand's own posts and templates
            return []
        if self.routed_only and not m.query_ids and not m.categories:
            return []
        cats: list[tuple[str, int | None]] = []
        text: str | None = None
        toks: list[str] = []
        if m.categories:
            for c in m.categories:
                name = c.get("name") if isinstance(c, dict) else None
                if not isinstance(name, str) or float(c.get("score") or 0) < self.min_score:
                    continue
                ws = c.get("workspace_id")
                cats.append((name, ws if isinstance(ws, int) else None))
        else:
            toks = tokens(m.text)
            text = " " + " ".join(toks) + " "
            cats = [(c, None) for c in self._categories(text)]
        if self.only is not None:
            cats = [c for c in cats if c[0] in self.only]
        elif self.exclude:
            cats = [c for c in cats if c[0] not in self.exclude]
        if not cats:
            return []
        places = self._places(m, toks or tokens(m.text))
        out = []
        for cat, ws in cats:
            prefix = f"complaint:{cat}" if ws is None else f"complaint:{ws}:{cat}"
            out += [(f"{prefix}:{p}", ws) for p in places]
            out.append((f"{prefix}:*", ws))  # after the places: the precise key first
        return out

    def _places(self, m: Mention, toks: list[str]) -> list[str]:
        """Places named in the text; the author's own place only when the text names
        none (a Parisian complaining about Lyon's outage is Lyon's complaint)."""
        cities = [
            p
            for p in m.places
            if isinstance(p, dict) and p.get("kind", "city") in ("city", "town", "place")
        ]
        named = [p for p in cities if p.get("source") != "author"]
        found = [" ".join(index_tokens(str(p.get("name", "")))) for p in named or cities]
        if found or m.places:
            return sorted({f for f in found if f})
        hits = set()
        for n in range(1, self.longest + 1):
            for i in range(len(toks) - n + 1):
                name = " ".join(toks[i : i + n])
                if name in self.cities:
                    hits.add(name)
        return sorted(hits)

    def update(self, mention: Mention) -> list[Signal]:
        t = max(as_utc(mention.created_at).timestamp(), self.clock)
        self.clock = t
        out = []
        thread, mid = thread_of(mention), mention.id
        for key, ws in self.keys(mention):
            if mention.kind != "repost":
                self.core.count(key, t)
            verdict = self.core.add(key, t, mid, thread)
            if verdict is None:
                continue
            if key.endswith(":*"):
                self.held[key] = (t, ws, verdict)
            else:
                out.append(self._signal(key, ws, t, "rising", verdict))
        return out + self._national(t)

    @staticmethod
    def _places_alerting(national: str, alerting: list[str]) -> int:
        """Distinct places alerting in the workspace, whatever the category: an outage
        in three cities also brings refund and defect complaints, which are its side
        effects there, not a national event."""
        parts = national.split(":")
        base = ":".join(parts[:-2]) + ":"  # "complaint:" or "complaint:<workspace>:"
        depth = len(parts)
        return len(
            {
                k.rsplit(":", 1)[1]
                for k in alerting
                if k.startswith(base) and k.count(":") + 1 == depth and not k.endswith(":*")
            }
        )

    def _places_alerting_now(self, national: str) -> int:
        n = self._memo.get(national)
        if n is None:
            n = self._memo[national] = self._places_alerting(national, self._memo_for)
        return n

    def _national(self, t: float) -> list[Signal]:
        """Held national verdicts whose wait is over: told or silenced; silenced ones
        told after all once enough places rise."""
        if not self.held and not self.silenced:  # no national verdict waits or is silenced
            return []
        out = []
        # nothing below opens or closes an alert: one look at the alerting keys serves
        # all, and the places counted stand until an alert opens or ends
        alerting = self.core.alerting()
        if alerting != self.__dict__.get("_memo_for"):
            self._memo_for = alerting
            self._memo: dict[str, int] = {}
        for key, (since, ws, verdict) in list(self.held.items()):
            if t - since < self.national_hold:
                continue
            del self.held[key]
            places = self._places_alerting_now(key)
            if places == 0 or places >= self.national_places:
                out.append(self._signal(key, ws, since, "rising", verdict))
            else:
                self.silenced.add(key)
        for key in sorted(self.silenced):  # sorted: signals in the same order every run
            if key not in alerting:
                self.silenced.discard(key)  # over: a new verdict is judged afresh
            elif self._places_alerting_now(key) >= self.national_places:
                self.silenced.discard(key)
                st = self.core.keys[key]
                self.core.roll(st, t)
                best = max(self.core.verdicts(st, t), key=lambda v: v.z)
                out.append(self._signal(key, None, t, "rising", best))
        return out

    def advance(self, now: datetime) -> list[Signal]:
        t = max(as_utc(now).timestamp(), self.clock)
        self.clock = t
        out = self._national(t)
        for key in self.core.alerting():
            if key in self.held:
                continue
            if key in self.silenced:
                # never told, so nothing to tell as it goes; but followed, so that it
                # ends when the complaints die down and a later wave is judged afresh
                # (unfollowed, it stayed "alerting" and silenced for ever)
                self.core.follow(key, t)
                continue
            due = self.core.follow(key, t)
            if due is not None:
                out.append(self._signal(key, None, t, due[0], due[1]))
        return out

    def _signal(self, key: str, ws: int | None, t: float, trend: str, v: Verdict) -> Signal:
        sev = self.core.mark(key, t, trend, v)
        parts = key.split(":")
        cat, place = parts[-2], parts[-1]
        if ws is None and len(parts) == 4:
            ws = int(parts[1])
        where = "everywhere" if place == "*" else f"in {place.title()}"
        return Signal(
            detector=self.name,
            version=self.version,
            key=key,
            t=ts(t),
            severity=sev,
            observed=v.observed,
            baseline=round(v.expected, 3),
            threshold=round(v.threshold, 3),
            score=round(v.z, 3),
            title=(
                f"{self.labels.get(cat, cat)} complaints {where}: {int(v.observed)} in "
                f"{v.window / 60:g} min, {v.observed / v.expected:.1f}× the usual ({trend})"
            ),
            workspace_id=ws,
            trend=trend,
            params=self.params.to_dict(),
            evidence=self.core.evidence(key),
            extra={"category": cat, "place": place, "window_seconds": v.window},
        )
