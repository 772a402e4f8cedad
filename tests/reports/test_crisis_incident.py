"""The crisis report of an incident: its story gives the posts and patient zero (the
story's first post, not the first query match of the window), people's actions are on
the timeline, places are broken down, and the brand's answers are those of the
organisation's official accounts (declared once, not per workspace)."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from socialhub.cli.report_cmd import report
from socialhub.models import utcnow
from socialhub.records.alerts import Alert, AlertEvent
from socialhub.records.engage import OfficialAccount
from socialhub.records.incidents import Incident, IncidentEvent
from socialhub.records.stories import StoryRecord
from socialhub.reports.build import build
from socialhub.store.base import Store

from .helpers import PERIOD, hours, mention, setup_workspace

START, _ = PERIOD


@pytest.mark.parametrize("store", ["sqlite", "postgres"], indirect=True)
def test_crisis_report_from_an_incident(store: Store) -> None:
    w = setup_workspace(store)
    ws, b = w.ws.id, w.brand.id
    assert ws and b
    lyon = [{"name": "Lyon", "admin1": "Auvergne-Rhône-Alpes", "country": "FR", "source": "text"}]
    posts = [
        # an unrelated brand post before the outage: the first query match of the window
        mention("u0", "vous êtes chez fictel ou chez azurel ?", START, "curious", [b]),
        *[mention(f"o{i}", f"Panne Fictel à Lyon, plus rien ne marche {i}",
                  START + hours(1 + i / 10), f"user{i}", [b], sentiment="negative")
          for i in range(8)],
        # the official account answers (declared for the organisation, on no watchlist)
        mention("ans", "Nous rétablissons le service à Lyon", START + hours(2), "fictelsav", [b]),
    ]  # fmt: skip
    for m in posts[1:8]:
        m.places = list(lyon)
    store.mentions.add(posts)
    key = f"{ws}:x:o0"
    store.stories.save(
        [StoryRecord(ws, key, "Panne Fictel à Lyon", "x:o0", START + hours(1), START + hours(2),
                     START + hours(1), size=9)],
        [(ws, key, m.id) for m in posts[1:]],
    )  # fmt: skip
    [story] = store.stories.list_stories(ws)
    store.engage.upsert_account(OfficialAccount("x", "fictelsav", "Fictel SAV"), utcnow())
    alert = store.alerts.save_alert(
        Alert(rule=f"{ws}|volume|query:{b}", detector="volume", version="1", key=f"query:{b}",
              title="Pic de plaintes", severity=8, first_t=START + hours(1),
              last_t=START + hours(2), observed=8, baseline=1, threshold=4, score=6,
              workspace_id=ws, query_id=b, evidence=["x:o3"])
    )  # fmt: skip
    assert alert.id is not None and story.id is not None
    store.alerts.add_alert_event(AlertEvent(alert.id, "merged", START + hours(1.5)))
    store.alerts.add_alert_event(AlertEvent(alert.id, "acknowledged", START + hours(1.2), "léa"))
    inc = store.incidents.save_incident(
        Incident(ws, "Panne à Lyon", 8, START + hours(1), owner="léa")
    )
    assert inc.id is not None
    store.incidents.link(inc.id, "alert", alert.id)
    store.incidents.link(inc.id, "story", story.id)
    store.incidents.add_event(IncidentEvent(inc.id, "opened", START + hours(1)))
    store.incidents.add_event(
        IncidentEvent(inc.id, "note", START + hours(1.3), "léa", {"text": "Appelé la QoS"})
    )
    built = build(store, w.ws, "crisis", None, START + hours(4), incident_id=inc.id, pdf=False)
    data = built.data
    first = data["timeline"][0]
    assert first["what"] == "first_post" and first["detail"]["id"] == "x:o0"  # not u0
    assert data["volume_total"] == 9
    people = [(e["what"], e["detail"]["actor"]) for e in data["timeline"] if e.get("human")]
    assert ("note", "léa") in people and ("acknowledged", "léa") in people
    assert "merged" not in [e["what"] for e in data["timeline"]]
    assert [a["id"] for a in data["answers"]] == ["x:ans"]
    assert data["places"][0] == {"name": "Lyon", "region": "Auvergne-Rhône-Alpes", "posts": 7}
    assert "Appelé la QoS" in built.html and "patient zéro" in built.html
    assert "Par lieu" in built.html
    # the same from the command line
    app = typer.Typer()
    app.command("report")(report)
    result = CliRunner().invoke(
        app,
        ["crisis", "--workspace", "fictel", "--incident", str(inc.id),
         "--until", (START + hours(4)).isoformat(), "--db", store.url, "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["data"]["alert"]["incident_id"] == inc.id
    assert out["data"]["timeline"][0]["detail"]["id"] == "x:o0"
