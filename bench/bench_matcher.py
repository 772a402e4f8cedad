"""Throughput of the streaming matcher: 5 vs 5,000 queries, against a naive baseline.

Builds 5,000 brand-monitoring queries over fictional brands (terms, phrases, hashtags,
OR lists, NOT, NEAR/n, NEAR/nf, wildcards, field conditions) and streams synthetic
mentions through :class:`socialhub.query.Matcher`. The baseline evaluates each query on
its own (one compiled regex per query over the token string, then the same evaluator),
which is what the automaton avoids.

The peer (``raw_automaton_5000``) is raw pyahocorasick with the same tokeniser and the
same patterns, run alternately with the matcher (best of ``--rounds`` CPU rates each);
``matcher_vs_raw_cpu`` is their ratio (goal: at least 0.8).

Usage: ``.venv/bin/python bench/bench_matcher.py [--mentions 50000] [--queries 5000]``
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import time
from datetime import UTC, datetime

import ahocorasick

from socialhub.models import Author, Mention
from socialhub.query import Matcher, Node, parse
from socialhub.query.ast import Prefix, Slot, Term, slots, walk
from socialhub.query.evaluate import Facts, evaluate
from socialhub.text import index_tokens, norm_handle

SYLLABLES = [
    "ba",
    "be",
    "bo",
    "da",
    "de",
    "do",
    "ka",
    "ke",
    "ko",
    "la",
    "le",
    "lo",
    "ma",
    "me",
    "mo",
    "na",
    "ne",
    "no",
    "ra",
    "re",
    "ro",
    "sa",
    "se",
    "so",
    "ta",
    "te",
    "to",
    "va",
    "ve",
    "vo",
    "xi",
    "zu",
]
COMMON = [
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "un",
    "une",
    "et",
    "est",
    "pour",
    "avec",
    "sur",
    "dans",
    "pas",
    "plus",
    "ce",
    "cette",
    "il",
    "elle",
    "on",
    "nous",
    "vous",
    "ils",
    "je",
    "tu",
    "que",
    "qui",
    "mais",
    "ou",
    "donc",
    "car",
    "très",
    "bien",
    "trop",
    "encore",
    "déjà",
    "aujourd'hui",
    "hier",
    "demain",
    "matin",
    "soir",
    "the",
    "a",
    "of",
    "to",
    "and",
    "is",
    "in",
    "it",
    "for",
    "on",
    "with",
    "this",
    "that",
    "be",
    "not",
    "you",
    "are",
    "prix",
    "tarif",
    "offre",
    "nouveau",
    "nouvelle",
    "lancement",
    "produit",
    "service",
    "client",
    "clients",
    "panne",
    "bug",
    "problème",
    "retard",
    "livraison",
    "commande",
    "remboursement",
    "boutique",
    "magasin",
    "application",
    "appli",
    "site",
    "compte",
    "mise",
    "à",
    "jour",
    "version",
    "qualité",
    "avis",
    "merci",
    "bravo",
    "nul",
    "génial",
    "super",
    "déçu",
    "colère",
    "grève",
    "emploi",
    "job",
    "recrute",
    "stage",
    "salon",
    "annonce",
    "partenariat",
    "rachat",
    "résultats",
    "bourse",
]
TOPICS = ["panne", "bug", "retard", "remboursement", "prix", "tarif", "grève", "rachat"]
NOISE = ["job", "recrute", "stage", "emploi", "concours"]


def brand_names(rng: random.Random, n: int) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize())
    return sorted(names)


def make_queries(rng: random.Random, brands: list[str], n: int) -> list[str]:
    out = []
    for i in range(n):
        b = brands[i % len(brands)]
        low, other = b.lower(), rng.choice(brands)
        topic, noise = rng.choice(TOPICS), rng.choice(NOISE)
        kind = i % 8
        if kind == 0:
            q = f'"{b} {other}" OR {low} OR #{low}'
        elif kind == 1:
            q = f"({b} OR #{low}) AND ({topic} OR problème OR nul) NOT ({noise} OR recrute)"
        elif kind == 2:
            q = f"{b} NEAR/5 (prix OR tarif*)"
        elif kind == 3:
            q = f'"{b} {rng.choice(["app", "box", "pay", "plus"])}" NEAR/3f lancement'
        elif kind == 4:
            q = f"{low[:5]}* AND lang:fr"
        elif kind == 5:
            q = f"@{low} OR author:{low}_officiel OR ({low} AND site:{low}.example)"
        elif kind == 6:
            q = f'({b} OR "{b} group") NOT lang:en'
        else:
            q = f"({b} OR {other}) AND ({topic} NEAR/2 client*) NOT {noise}"
        out.append(q)
    return out


def make_mentions(rng: random.Random, brands: list[str], n: int) -> list[Mention]:
    weights = [1.0 / (rank + 1) for rank in range(len(COMMON))]  # Zipf-like
    created = datetime(2024, 5, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        words = rng.choices(COMMON, weights, k=rng.randint(12, 40))
        if rng.random() < 0.3:  # a third of the stream mentions some brand
            b = rng.choice(brands)
            word = rng.choice([b, b.upper(), "#" + b, "@" + b.lower()])
            words.insert(rng.randrange(len(words) + 1), word)
        author = rng.choice(brands).lower() + "_officiel" if rng.random() < 0.05 else f"user{i}"
        out.append(
            Mention(
                platform=rng.choice(["x", "bluesky", "web"]),
                native_id=str(i),
                text=" ".join(words),
                created_at=created,
                url=f"https://{rng.choice(brands).lower()}.example/p/{i}",
                lang=rng.choice(["fr", "fr", "fr", "en"]),
                author=Author("x", str(i), handle=author),
            )
        )
    return out


class NaiveMatcher:
    """Each query on its own: one regex over " tok1 tok2 ... ", then the same evaluator."""

    def __init__(self, queries: list[tuple[int, int, Node]]) -> None:
        self.compiled = []
        for qid, ws, node in queries:
            wanted = sorted(slots(node), key=_pattern)
            any_slot = re.compile("|".join(_pattern(s) for s in wanted))
            # lookahead, so that overlapping hits (a term and a prefix) are all found
            each = [(s, re.compile(f"(?={_pattern(s)})")) for s in wanted]
            self.compiled.append((qid, ws, node, any_slot, each))

    def match(self, mention: Mention) -> list[int]:
        tokens = index_tokens(mention.text)
        text = " " + " ".join(tokens) + " "
        starts = {}
        offset = 1
        for pos, tok in enumerate(tokens):
            starts[offset] = pos
            offset += len(tok) + 1
        facts = Facts.of(mention)
        out = []
        for qid, ws, node, any_slot, each in self.compiled:
            hits: dict[Slot, list[int]] = {}
            if any_slot.search(text):
                for slot, regex in each:
                    found = [starts[m.start() + 1] for m in regex.finditer(text)]
                    if found:
                        hits[slot] = found
            if evaluate(node, hits, facts, ws):
                out.append(qid)
        return sorted(out)


class RawAutomaton:
    """The peer: the same tokeniser and one pyahocorasick pass over the same patterns,
    every hit consumed, no routing or evaluation (the floor for any matcher)."""

    def __init__(self, queries: list[tuple[int, int, Node]]) -> None:
        self.automaton = ahocorasick.Automaton()
        for _, _, node in queries:
            for child in walk(node):
                if isinstance(child, Term | Prefix):
                    pattern = f" {child.token} " if isinstance(child, Term) else f" {child.stem}"
                    self.automaton.add_word(pattern, len(pattern))
        self.automaton.make_automaton()

    def match(self, mention: Mention) -> list[tuple[int, int]]:
        text = " " + " ".join(index_tokens(mention.text)) + " "
        return list(self.automaton.iter(text))


def _pattern(slot: Slot) -> str:
    if isinstance(slot, Term):
        return " " + re.escape(slot.token) + "(?= )"
    assert isinstance(slot, Prefix)
    return " " + re.escape(slot.stem)


def rate(match: object, mentions: list[Mention]) -> tuple[float, float, int]:
    """(mentions per wall-clock second, per CPU second of this process, routes)."""
    wall, cpu = time.perf_counter(), time.process_time()
    routed = sum(len(match(m)) for m in mentions)  # type: ignore[operator]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(mentions) / wall, len(mentions) / cpu, routed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--naive-mentions", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="matcher/peer alternations")
    args = parser.parse_args()
    rng = random.Random(20240501)
    brands = brand_names(rng, 1500)
    texts = make_queries(rng, brands, args.queries)
    nodes = [(i, 1 + i % 20, parse(text)) for i, text in enumerate(texts)]
    mentions = make_mentions(rng, brands, args.mentions)
    for m in mentions:  # warm the lazily computed handle so both sides pay the same
        norm_handle(m.author_handle)

    result: dict[str, object] = {
        "mentions": len(mentions),
        "queries": len(nodes),
        "cpus_busy_before": round(os.getloadavg()[0], 2),  # other work on the machine
    }
    start = time.perf_counter()
    big = Matcher(nodes)
    result["build_s_5000"] = round(time.perf_counter() - start, 3)
    small = Matcher(nodes[:5])
    wall, cpu, _ = rate(small.match, mentions)
    result["matcher_5"] = {"per_s": round(wall), "per_cpu_s": round(cpu)}
    wall, cpu, routed = rate(big.match, mentions)
    result["matcher_5000"] = {
        "per_s": round(wall),
        "per_cpu_s": round(cpu),
        "routes_per_mention": round(routed / len(mentions), 3),
        "candidates_per_mention": round(big.candidates / big.seen, 2),
        "evaluations_per_mention": round(big.evaluated / big.seen, 2),
    }
    start = time.perf_counter()
    for m in mentions:
        index_tokens(m.text)
    result["tokenise_only_per_s"] = round(len(mentions) / (time.perf_counter() - start))

    # the peer, alternated with the matcher so that both see the same machine load
    raw = RawAutomaton(nodes)
    raw_cpu, ours_cpu = [], []
    for _ in range(args.rounds):
        gc.collect()
        raw_cpu.append(rate(raw.match, mentions)[1])
        gc.collect()
        ours_cpu.append(rate(big.match, mentions)[1])
    result["raw_automaton_5000"] = {"per_cpu_s": round(max(raw_cpu))}
    result["matcher_5000_best"] = {"per_cpu_s": round(max(ours_cpu))}
    result["matcher_vs_raw_cpu"] = round(max(ours_cpu) / max(raw_cpu), 2)

    sample = mentions[: args.naive_mentions]
    naive_small, naive_big = NaiveMatcher(nodes[:5]), NaiveMatcher(nodes)
    wall, cpu, _ = rate(naive_small.match, mentions[:10_000])
    result["naive_5"] = {"per_s": round(wall), "per_cpu_s": round(cpu)}
    wall, cpu, _ = rate(naive_big.match, sample)
    result["naive_5000"] = {"per_s": round(wall, 1), "per_cpu_s": round(cpu, 1)}
    result["same_answers_as_naive"] = all(big.match(m) == naive_big.match(m) for m in sample)
    result["speedup_5000_cpu"] = round(
        result["matcher_5000"]["per_cpu_s"] / result["naive_5000"]["per_cpu_s"],  # type: ignore[index]
        1,
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
