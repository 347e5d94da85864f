"""Private and hidden data never leave: not through lists, details, filters, downloads or
feeds. Every private row in the `world` fixture carries SECRET; the e-mail addresses are checked
as well."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from tests.api.conftest import SECRET, SECRET_EMAIL

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/vision",
    "/api/v1/pillars",
    "/api/v1/goals",
    "/api/v1/goals?sdg=11",
    "/api/v1/goals?sdg=16",
    "/api/v1/goals?target=16.7",
    "/api/v1/goals?pillar=skjult-tema",
    "/api/v1/initiatives",
    "/api/v1/initiatives?goal=mindre-co2",
    "/api/v1/initiatives?goal=udkast-maal",
    "/api/v1/initiatives?sdg=11",
    "/api/v1/initiatives?pillar=det-groenne",
    "/api/v1/indicators",
    "/api/v1/indicators?sdg=11",
    "/api/v1/indicators?goal=udkast-maal",
    "/api/v1/indicators?status=deterioration",
    "/api/v1/indicators/co2-udledning/observations",
    "/api/v1/processes",
    "/api/v1/processes?pillar=skjult-tema",
    "/api/v1/processes?goal=udkast-maal",
    "/api/v1/contributions",
    "/api/v1/contributions?process=faelles-om",
    "/api/v1/contributions?process=kladde",
    "/api/v1/contributions?sdg=11",
    "/api/v1/contributions?pillar=skjult-tema",
    "/api/v1/decisions",
    "/api/v1/decisions?year=2024",
    "/api/v1/documents",
]

PRIVATE_DETAILS = [
    "/api/v1/pillars/skjult-tema",
    "/api/v1/goals/udkast-maal",
    "/api/v1/goals/skjult-tema-maal",
    "/api/v1/goals/andeby-maal",
    "/api/v1/initiatives/skjult-indsats",
    "/api/v1/indicators/skjult-indikator",
    "/api/v1/indicators/skjult-indikator/observations",
    "/api/v1/indicators/under-udkast",
    "/api/v1/indicators/under-udkast/observations",
    "/api/v1/processes/kladde",
    "/api/v1/decisions/udkast-beslutning",
    "/api/v1/decisions/andeby-beslutning",
    "/api/v1/documents/skjult-plan",
]


def assert_clean(body: bytes | str) -> None:
    text = body.decode() if isinstance(body, bytes) else body
    assert SECRET not in text
    assert SECRET_EMAIL not in text
    assert "genert@example.dk" not in text
    assert "Hemmelig Vej" not in text
    assert "@" not in text.replace("@context", "")  # no e-mail address of any kind


def content(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("path", LISTS)
def test_lists_show_only_public_rows(world: Any, client_for: Any, path: str) -> None:
    response = client_for(None).get(path)
    assert response.status_code == 200, response.content
    assert_clean(response.content)


def test_lists_do_show_the_public_rows(world: Any, client_for: Any) -> None:
    client = client_for(None)
    assert [g["slug"] for g in client.get("/api/v1/goals").json()["items"]] == ["mindre-co2"]
    contributions = client.get("/api/v1/contributions").json()["items"]
    assert {c["title"] for c in contributions} == {
        "Flere træer", "Uden navn", "Brev", "Høringssvar", "Høringssvar om naboen"}
    initiative = client.get("/api/v1/initiatives/solceller").json()
    assert [g["slug"] for g in initiative["goals"]] == ["mindre-co2"]  # not the draft goal
    document = client.get("/api/v1/documents/mere-albertslund").json()
    assert [p["slug"] for p in document["pillars"]] == ["det-groenne"]
    assert document["adopted_by"]["slug"] == "vedtaget"
    process = client.get("/api/v1/processes/faelles-om").json()
    assert [p["slug"] for p in process["pillars"]] == ["det-groenne"]
    assert [g["slug"] for g in process["goals"]] == ["mindre-co2"]


@pytest.mark.parametrize("path", PRIVATE_DETAILS)
def test_private_details_are_not_found(world: Any, client_for: Any, path: str) -> None:
    response = client_for(None).get(path)
    assert response.status_code == 404
    assert_clean(response.content)


def test_hidden_withdrawn_and_draft_process_contributions_are_not_found(
    world: Any, client_for: Any
) -> None:
    from faelles.participation.models import Contribution

    client = client_for(None)
    for c in Contribution.objects.filter(title__startswith=SECRET):
        response = client.get(f"/api/v1/contributions/{c.pk}")
        assert response.status_code == 404, c.title
        assert_clean(response.content)


def test_authors_appear_only_by_chosen_name(world: Any, client_for: Any) -> None:
    client = client_for(None)
    public = client.get(f"/api/v1/contributions/{world.public.pk}").json()
    assert public["author_name"] == "Synlig Borger"
    anonymous = client.get(f"/api/v1/contributions/{world.anonymous.pk}").json()
    assert anonymous["author_name"] == ""
    offline = client.get(f"/api/v1/contributions/{world.offline.pk}").json()
    assert offline["author_name"] == ""
    protected = client.get(f"/api/v1/contributions/{world.protected_response.pk}").json()
    assert protected["author_name"] == ""  # consent does not count with a protected address
    redacted = client.get(f"/api/v1/contributions/{world.redacted_response.pk}").json()
    assert redacted["text"] == "Min nabo [fjernet] larmer."
    for body in (public, anonymous, offline, protected, redacted):
        assert_clean(str(body))


def test_feedback_is_public_but_case_details_are_not(world: Any, client_for: Any) -> None:
    client = client_for(None)
    public = client.get(f"/api/v1/contributions/{world.public.pk}").json()
    assert public["status"] == "besvaret" or public["status"]
    assert public["answer"]["text"] == "Tak. Vi planter træer i 2026."
    assert SECRET not in public["answer"]["answered_by"]  # a role, not the staff member's name
    assert [o["title"] for o in public["outcomes"]] == ["Solceller"]  # not the draft decision
    assert "Hemmelig Vej 1" not in public["text"] and "Personoplysninger" in public["text"]
    offline = client.get(f"/api/v1/contributions/{world.offline.pk}").json()
    assert offline["answer"] is None
    assert_clean(str(public) + str(offline))


def test_status_filter(world: Any, client_for: Any) -> None:
    client = client_for(None)
    answered = client.get(f"/api/v1/contributions/{world.public.pk}").json()["status"]
    received = client.get(f"/api/v1/contributions/{world.offline.pk}").json()["status"]
    assert answered != received
    rows = client.get(f"/api/v1/contributions?status={answered}").json()["items"]
    assert [r["id"] for r in rows] == [world.public.pk]
    rows = client.get(f"/api/v1/contributions?status={received}").json()["items"]
    assert {r["id"] for r in rows} == {
        world.anonymous.pk, world.offline.pk, world.protected_response.pk,
        world.redacted_response.pk,
    }
    assert client.get("/api/v1/contributions?status=nothing").json()["items"] == []


def test_indicator_contact_email_is_left_out(world: Any, client_for: Any) -> None:
    body = client_for(None).get("/api/v1/indicators/co2-udledning")
    assert body.status_code == 200
    assert "contact_mail" not in body.json()
    assert_clean(body.content)


def test_other_host_sees_only_its_own(world: Any, client_for: Any) -> None:
    client = client_for(None, host="andeby.test")
    goals = client.get("/api/v1/goals").json()["items"]
    assert [g["slug"] for g in goals] == ["andeby-maal"]
    assert client.get("/api/v1/goals/mindre-co2").status_code == 404
    assert client.get(f"/api/v1/contributions/{world.public.pk}").status_code == 404


@pytest.mark.parametrize("dataset", [
    "pillars", "goals", "initiatives", "indicators", "observations", "processes",
    "contributions", "decisions",
])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_downloads_are_clean(world: Any, client_for: Any, dataset: str, fmt: str) -> None:
    response = client_for(None).get(f"/api/v1/download/{dataset}.{fmt}")
    assert response.status_code == 200
    body = content(response)
    assert_clean(body)
    if fmt == "csv":
        assert len(body.decode("utf-8-sig").strip().splitlines()) >= 2  # a header and a row
    else:
        import json

        assert json.loads(body)["rows"]


def test_zip_is_clean_and_complete(world: Any, client_for: Any) -> None:
    response = client_for(None).get("/api/v1/download/all.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(content(response)))
    names = set(archive.namelist())
    assert {"README.txt", "datapackage.json", "data-dictionary.csv", "goals.csv",
            "contributions.csv", "decisions.csv"} <= names
    for name in names:
        assert_clean(archive.read(name).decode("utf-8-sig").replace("CC BY", ""))
    assert "Flere træer" in archive.read("contributions.csv").decode("utf-8-sig")
    import csv
    import json

    package = json.loads(archive.read("datapackage.json"))
    assert package["licenses"][0]["name"] == "CC BY 4.0"
    dictionary = list(csv.DictReader(io.StringIO(
        archive.read("data-dictionary.csv").decode("utf-8-sig"))))
    for resource in package["resources"]:  # every column of every file is described
        header = archive.read(resource["path"]).decode("utf-8-sig").splitlines()[0].split(",")
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        described = [r["column"] for r in dictionary if r["file"] == resource["path"]]
        assert described == header
        assert all(r["meaning"] and r["type"] for r in dictionary)


def test_feeds_are_clean(world: Any, client_for: Any) -> None:
    client = client_for(None)
    decisions = client.get("/api/v1/feeds/decisions.atom")
    assert decisions.status_code == 200
    assert b"Vedtaget" in decisions.content
    assert_clean(decisions.content)
    feed = client.get("/api/v1/feeds/processes/faelles-om.atom")
    assert feed.status_code == 200
    assert "Flere træer" in feed.content.decode()
    assert "Idéer" in feed.content.decode()
    assert "Beslutning" not in feed.content.decode()  # a phase appears when it starts
    assert "Tak. Vi planter træer i 2026." in feed.content.decode()  # the public answer
    assert_clean(feed.content)
    assert client.get("/api/v1/feeds/processes/kladde.atom").status_code == 404
    other = client_for(None, host="andeby.test").get("/api/v1/feeds/processes/faelles-om.atom")
    assert SECRET.encode() in other.content  # Andeby's own feed; proves the host selects
