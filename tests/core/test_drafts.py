"""Drafts of long texts (autosave) on the server: saving, limits, pre-filling the contribution
form, deleting on send, privacy (export, deletion, retention) and that nobody reads another
person's draft."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone, translation

from faelles.accounts.drafts import key_for
from faelles.accounts.models import Draft
from faelles.core.links import path_for
from faelles.participation.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(make_user):
    return make_user(name="Bente Borger")


@pytest.fixture
def process(municipality):
    from faelles.participation.models import Phase, Process

    p = Process.objects.create(municipality=municipality, title="Idéer til Albertslund",
                               slug="ideer", is_published=True, summary="Del dine idéer.")
    now = timezone.now()
    Phase.objects.create(municipality=municipality, process=p, type="idea_collection",
                         title="Idéindsamling", start=now - dt.timedelta(days=3),
                         end=now + dt.timedelta(days=30))
    return Process.objects.get(pk=p.pk)


def da(name: str, **kwargs: object) -> str:
    with translation.override("da"):
        return path_for(name, **kwargs)


def save(client, key, fields, **extra):
    return client.post(da("accounts:draft_save"), json.dumps({"key": key, "fields": fields}),
                       content_type="application/json", **extra)


def test_save_creates_one_row_per_person_and_form(municipality, client_for, citizen):
    client = client_for(citizen)
    key = "contribution-1"
    assert save(client, key, {"title": "Bænke", "text": "Første udkast"}).status_code == 204
    assert save(client, key, {"title": "Bænke", "text": "Andet udkast"}).status_code == 204
    [draft] = Draft.objects.all()
    assert draft.user == citizen and draft.municipality == municipality and draft.key == key
    assert draft.data == {"title": "Bænke", "text": "Andet udkast"}
    # Empty text is nothing to keep.
    assert save(client, key, {"title": " ", "text": ""}).status_code == 204
    assert not Draft.objects.exists()


def test_save_needs_login_post_csrf_and_valid_small_data(municipality, client_for, citizen,
                                                         settings):
    from django.test import Client

    assert save(client_for(), "contribution-1", {"text": "x"}).status_code == 403
    client = client_for(citizen)
    assert client.get(da("accounts:draft_save")).status_code == 405
    # The CSRF check applies: without the token (header) the save is refused.
    strict = Client(HTTP_HOST="testserver", enforce_csrf_checks=True)
    strict.force_login(citizen, backend="faelles.accounts.backends.EmailBackend")
    assert save(strict, "contribution-1", {"text": "x"}).status_code == 403
    assert save(client, "Bad Key!", {"text": "x"}).status_code == 400
    assert save(client, "contribution-1", {"text": 5}).status_code == 400
    assert save(client, "contribution-1", ["x"]).status_code == 400
    assert save(client, "contribution-1", {"text": "x" * 70_000}).status_code == 413
    assert save(client, "contribution-1", {f"f{i}": "x" for i in range(30)}).status_code == 400
    response = client.post(da("accounts:draft_save"), "not json", content_type="application/json")
    assert response.status_code == 400
    assert not Draft.objects.exists()
    # The form's own secrets are never stored.
    save(client, "contribution-1", {"text": "Hej med dig", "idempotency_key": "k" * 32,
                                    "csrfmiddlewaretoken": "t"})
    assert Draft.objects.get().data == {"text": "Hej med dig"}


def test_save_is_rate_limited(municipality, client_for, citizen, settings):
    settings.FAELLES_DRAFT_RATE_LIMIT = (3, 60)
    client = client_for(citizen)
    codes = [save(client, "contribution-1", {"text": f"udkast {i}"}).status_code
             for i in range(5)]
    assert codes == [204, 204, 204, 429, 429]


def test_form_is_prefilled_from_the_server_draft_with_a_notice_and_discard(
        municipality, client_for, citizen, process):
    client = client_for(citizen)
    url = da("participation:create", slug=process.slug)
    key = key_for("contribution", process.pk)
    save(client, key, {"title": "Lys på stien", "text": "Stien ved Vestskoven er mørk om aftenen."})
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Lys på stien"' in html
    assert "Stien ved Vestskoven er mørk om aftenen." in html
    assert "Vi har hentet din kladde fra" in html
    assert f'data-autosave="{key}"' in html
    assert 'data-autosave-url="/konto/kladde/"' in html
    assert "core/autosave.js" in html

    # The discard button (an ordinary form, works without JavaScript) deletes it.
    response = client.post(da("accounts:draft_discard"), {"key": key, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert not Draft.objects.exists()
    html = client.get(url).content.decode()
    assert "Lys på stien" not in html and "Vi har hentet din kladde" not in html
    # An outside address is never a redirect target.
    response = client.post(da("accounts:draft_discard"),
                           {"key": key, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_sending_the_contribution_deletes_the_draft(municipality, client_for, citizen, process):
    client = client_for(citizen)
    key = key_for("contribution", process.pk)
    save(client, key, {"title": "Flere bænke", "text": "Der mangler bænke ved Kanalgaden."})
    other = key_for("contribution", process.pk + 1000)
    save(client, other, {"text": "Et andet udkast til en anden høring."})
    kinds = Contribution._meta.get_field("kind").choices
    response = client.post(da("participation:create", slug=process.slug), {
        "kind": kinds[0][0], "title": "Flere bænke", "text": "Der mangler bænke ved Kanalgaden.",
        "publish_name": "on", "idempotency_key": "a" * 32,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Contribution.objects.filter(title="Flere bænke").exists()
    assert list(Draft.objects.values_list("key", flat=True)) == [other]


def test_nobody_reads_another_persons_draft(municipality, other_municipality, client_for,
                                            make_user, citizen, process):
    key = key_for("contribution", process.pk)
    save(client_for(citizen), key, {"title": "Min hemmelige idé", "text": "Kun min tekst."})
    url = da("participation:create", slug=process.slug)
    intruder = make_user("nysgerrig@example.dk")
    client = client_for(intruder)
    html = client.get(url).content.decode()
    assert "Min hemmelige idé" not in html and "Vi har hentet din kladde" not in html
    # Saving under the same key makes the intruder's own row; the owner's is untouched.
    save(client, key, {"text": "Overskrevet?"})
    # Discarding under the same key removes only the intruder's own draft.
    client.post(da("accounts:draft_discard"), {"key": key, "next": url})
    assert Draft.objects.get().user == citizen
    assert Draft.objects.get().data["text"] == "Kun min tekst."
    # The owner's draft is not shown in another municipality either.
    save(client_for(citizen, host="andeby.test"), key, {"text": "Andeby-kladde"})
    assert Draft.objects.filter(municipality=other_municipality).count() == 1
    html = client_for(citizen).get(url).content.decode()
    assert "Kun min tekst." in html and "Andeby-kladde" not in html


def test_drafts_in_my_data_and_gone_with_the_account(municipality, client_for, citizen):
    from faelles.core.privacy import erase_user

    client = client_for(citizen)
    save(client, "contribution-9", {"text": "Udkast til mit høringssvar."})
    data = client.get(da("accounts:my_data_json")).json()
    [entry] = data["accounts"]["drafts"]
    assert entry["form"] == "contribution-9"
    assert entry["fields"] == {"text": "Udkast til mit høringssvar."}
    erase_user(citizen, actor=citizen)
    assert not Draft.objects.exists()


def test_drafts_untouched_for_30_days_are_deleted(municipality, client_for, citizen, make_user):
    from faelles.core.privacy import retention_rules, run_retention

    save(client_for(citizen), "contribution-1", {"text": "Gammelt udkast"})
    save(client_for(make_user()), "contribution-1", {"text": "Nyt udkast"})
    Draft.objects.filter(user=citizen).update(updated_at=timezone.now() - dt.timedelta(days=31))
    assert "accounts.drafts" in [r.key for r in retention_rules()]
    done = run_retention()
    assert done["accounts.drafts"] == 1
    assert list(Draft.objects.values_list("data__text", flat=True)) == ["Nyt udkast"]
