"""The digest's "Top posts about the brand" are what people say about us: the
organisation's official accounts (declared once, ``[[official_account]]``) and posts the
``voice`` stage marks as the brand's are left out, however engaging (issue 15)."""

from __future__ import annotations

from socialhub.models import BRAND_VOICE
from socialhub.records.engage import OfficialAccount
from socialhub.reports.digest import build_digest
from socialhub.store.base import Store

from .helpers import PERIOD, hours, mention, setup_workspace

START, END = PERIOD


def test_top_posts_about_the_brand_leave_out_our_own_accounts(store: Store) -> None:
    w = setup_workspace(store)
    brand = w.brand.id
    assert brand is not None
    store.engage.upsert_account(OfficialAccount("x", "fictelsav", "Fictel SAV"), START)
    statement = mention("own", "Fictel : le réseau est rétabli à Lyon, merci de votre patience",
                        START + hours(1), "FictelSAV", [brand], likes=5_000)  # fmt: skip
    template = mention("tpl", "Fictel Box à 19,99 € ce mois-ci", START + hours(1), "promo",
                       [brand], likes=3_000)  # fmt: skip
    template.categories = [{"name": BRAND_VOICE, "reason": "template"}]
    fan = mention("fan", "Fictel, toujours pas de réseau à Lyon", START + hours(2), "client",
                  [brand], likes=40)  # fmt: skip
    other = mention("o2", "Fictel ou Azurel ?", START + hours(3), "curieux", [brand], likes=2)
    store.mentions.add([statement, template, fan, other])
    assert w.ws.id is not None
    data = build_digest(store, w.ws, START, END, {})
    assert [p["id"] for p in data["top_posts"]["brand"]] == ["x:fan", "x:o2"]
