"""The hearing memo, the responder list and the case-file ZIP."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest

from faelles.core.links import path_for
from faelles.feedback import services
from faelles.participation.models import ContributionKind

pytestmark = pytest.mark.django_db

SECRET = "Hansen på nr. 7 drikker"


@pytest.fixture
def responses(municipality: Any, hearing: Any, pm: Any, make_user: Any,
              contribute: Any) -> dict[str, Any]:
    from faelles.strategy.models import DocumentKind, StrategyDocument

    named = make_user(name="Karen Navnesen")
    anonymous = make_user(name="Ole Hemmeligsen")
    protected = make_user(name="Ida Beskyttet")
    r1 = contribute(named, process_=hearing, kind=ContributionKind.HEARING_RESPONSE,
                    title="Flere stier til skolen", text="Børnene mangler en sikker sti.")
    r2 = contribute(anonymous, process_=hearing, kind=ContributionKind.HEARING_RESPONSE,
                    title="Støj fra vejen", publish_name=False,
                    text=f"Der er for meget støj. {SECRET} og larmer.")
    r3 = contribute(protected, process_=hearing, kind=ContributionKind.HEARING_RESPONSE,
                    title="Lys ved stationen", text="Der er for mørkt ved stationen om aftenen.")
    services.redaction_add(contribution=r2, passage=SECRET, reason="oplysninger om andre",
                           actor=pm)
    services.state_update_details(contribution=r1, actor=pm, memo_section="§ 2 Stier",
                                  address="Skolevej 1, 2620 Albertslund")
    services.state_update_details(contribution=r3, actor=pm, memo_section="§ 3 Lys",
                                  address="Hemmeligvej 9, 2620 Albertslund",
                                  address_protected=True)
    services.answer_publish(contributions=[r1, r3], text="Vi har ændret planen.", actor=pm)
    doc = StrategyDocument.objects.create(municipality=municipality, slug="stiplan",
                                          title="Stiplan", kind=DocumentKind.PLAN)
    services.outcome_link(contribution=r1, target=doc, actor=pm, explanation="Ændret.",
                          change="§ 2 har fået en ny sti langs skolen.")
    from faelles.feedback.models import ProcessCase

    ProcessCase.objects.create(municipality=municipality, process=hearing,
                               case_number="01.02.03-P20-1-26", manager=pm)
    return {"r1": r1, "r2": r2, "r3": r3, "process": hearing}


def test_public_memo_contains_every_response_with_consent_and_redactions(
    responses: dict[str, Any], client_for: Any,
) -> None:
    page = client_for(None).get(path_for("feedback:memo", slug=responses["process"].slug))
    assert page.status_code == 200
    html = page.content.decode()
    for key in ("r1", "r2", "r3"):
        assert responses[key].title in html
    assert "Karen Navnesen" in html  # consent given
    assert "Ole Hemmeligsen" not in html  # no consent
    assert SECRET not in html  # redacted
    assert "[fjernet: oplysninger om andre]" in html or "[removed: oplysninger om andre]" in html
    assert "Hemmeligvej" not in html  # protected address
    assert "Skolevej 1" in html  # consent and not protected
    assert "§ 2 har fået en ny sti langs skolen." in html  # the resulting change
    assert "Vi har ændret planen." in html
    # Grouped by section, summary figures present.
    assert html.index("§ 2 Stier") < html.index("Flere stier til skolen")
    assert "<caption>" in html


def test_responder_list_respects_consent(responses: dict[str, Any], client_for: Any) -> None:
    html = client_for(None).get(
        path_for("feedback:responders", slug=responses["process"].slug)).content.decode()
    assert "Karen Navnesen" in html
    assert "Ole Hemmeligsen" not in html
    assert "Hemmeligvej" not in html


def test_internal_memo_is_a_pdf_for_staff_and_politicians_only(
    responses: dict[str, Any], client_for: Any, pm: Any, politician: Any, citizen: Any,
) -> None:
    url = path_for("feedback:memo_internal", slug=responses["process"].slug)
    for user in (pm, politician):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert client_for(citizen).get(url).status_code in (403, 404)
    assert client_for(None).get(url).status_code in (302, 403, 404)


def test_case_zip_contains_what_it_promises(responses: dict[str, Any], client_for: Any,
                                            pm: Any, citizen: Any) -> None:
    url = path_for("feedback:case_export", slug=responses["process"].slug)
    assert client_for(citizen).get(url).status_code in (403, 404)
    response = client_for(pm).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(z.read("case.json"))
    assert sorted(z.namelist()) == sorted(manifest["files"] + ["case.json"]) or set(
        manifest["files"]) <= set(z.namelist())
    assert manifest["case_number"] == "01.02.03-P20-1-26"
    assert manifest["responses"] == 3
    rows = json.loads(z.read("responses.json"))
    assert [r["title"] for r in rows] == ["Flere stier til skolen", "Støj fra vejen",
                                          "Lys ved stationen"]
    # The case file keeps the original text, marked as redacted in public.
    assert SECRET in rows[1]["text"] and rows[1]["redacted_in_public"]
    assert not rows[0]["redacted_in_public"]
    responders = json.loads(z.read("responders.json"))
    assert [r["name"] for r in responders] == ["Karen Navnesen", "Ole Hemmeligsen",
                                               "Ida Beskyttet"]
    assert all("Hemmeligvej" not in r["address"] for r in responders)
    csv_text = z.read("responses.csv").decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("number;contribution_id;name")
    assert z.read("hearing-memo.pdf").startswith(b"%PDF")
    assert z.read("responses.pdf").startswith(b"%PDF")


def test_hidden_responses_are_still_in_the_memo_without_their_text(
    responses: dict[str, Any], client_for: Any,
) -> None:
    r3 = responses["r3"]
    r3.is_hidden, r3.hidden_reason = True, "krænkende"
    r3.save()
    html = client_for(None).get(
        path_for("feedback:memo", slug=responses["process"].slug)).content.decode()
    assert "Svar 3" in html or "Response 3" in html  # still counted and numbered
    assert r3.title not in html
    assert "Der er for mørkt ved stationen" not in html
    assert "krænkende" in html


def test_memo_of_another_municipality_is_not_found(responses: dict[str, Any],
                                                   other_municipality: Any,
                                                   client_for: Any) -> None:
    url = path_for("feedback:memo", slug=responses["process"].slug)
    assert client_for(None, host="andeby.test").get(url).status_code == 404


def test_withdrawn_responses_are_not_in_the_memo(responses: dict[str, Any],
                                                 client_for: Any) -> None:
    r2 = responses["r2"]
    r2.withdrawn_at = r2.created_at + dt.timedelta(minutes=1)
    r2.save()
    html = client_for(None).get(
        path_for("feedback:memo", slug=responses["process"].slug)).content.decode()
    assert r2.title not in html


def test_participation_consent_protected_address_redaction_and_paragraphs(
    municipality: Any, hearing: Any, pm: Any, make_user: Any, contribute: Any, client_for: Any,
) -> None:
    """The memo honours participation's own hearing fields: a protected address hides the name
    whatever the consent, a published redacted text replaces the original in public, and
    responses are grouped by the paragraph they are about, in document order."""
    from faelles.participation.models import Contribution, DraftVersion, Paragraph

    draft = DraftVersion.objects.create(municipality=municipality, process=hearing, number=1,
                                        title="Udkast")
    p2 = Paragraph.objects.create(municipality=municipality, version=draft, order=2, key="2",
                                  heading="Lys", text="Om lys.")
    p1 = Paragraph.objects.create(municipality=municipality, version=draft, order=1, key="1",
                                  heading="Stier", text="Om stier.")
    secret = make_user(name="Hemmelig Adressesen")
    c1 = contribute(secret, process_=hearing, kind=ContributionKind.HEARING_RESPONSE,
                    title="Om lyset", text="Lyset er for svagt ved mit hus på Skjultvej 3.")
    c2 = contribute(make_user(name="Synlig Person"), process_=hearing,
                    kind=ContributionKind.HEARING_RESPONSE, title="Om stierne",
                    text="Stierne er for smalle.")
    Contribution.objects.filter(pk=c1.pk).update(
        protected_address=True, paragraph=p2, redacted_text="Lyset er for svagt.",
        redaction_reason="adresse fjernet")
    Contribution.objects.filter(pk=c2.pk).update(paragraph=p1)
    html = client_for(None).get(path_for("feedback:memo", slug=hearing.slug)).content.decode()
    assert "Hemmelig Adressesen" not in html and "Synlig Person" in html
    assert "Skjultvej" not in html and "Lyset er for svagt." in html
    assert html.index("Om stierne") < html.index("Om lyset")  # paragraph 1 before 2
    assert html.index("1 Stier") < html.index("2 Lys")
    internal = __import__("faelles.feedback.selectors", fromlist=["x"]).hearing_memo(
        process=hearing, internal=True)
    by_title = {e.contribution.title: e for e in internal.entries}
    assert by_title["Om lyset"].internal_name == "Hemmelig Adressesen"
    assert "Skjultvej" in by_title["Om lyset"].text and by_title["Om lyset"].redacted


def test_memo_query_count_does_not_grow(
    responses: dict[str, Any], bulk_contributions: Any, make_user: Any, client_for: Any,
    pm: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    process = responses["process"]
    url = path_for("feedback:memo", slug=process.slug)
    client = client_for(None)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = bulk_contributions(make_user(), 20, process_=process,
                              kind=ContributionKind.HEARING_RESPONSE)
    services.answer_publish(contributions=more[:10], text="Tak.", actor=pm, silent=True)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Idé nummer 19" in html
    assert len(many) == len(few)
