"""Back-office: CSV upload (every bad row shown, nothing imported), values typed by hand with
the same checks, target changes recompute, and tenancy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from faelles.indicators.models import Assessment, ImportRun, Indicator, Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(
    make_user: Callable[..., Any], client_for: Callable[..., Any], municipality: Any,
) -> Any:
    return client_for(make_user(roles=("editor",), municipality=municipality))


def upload(client: Any, indicator: Indicator, content: bytes, **extra: str) -> Any:
    return client.post(
        f"/en/admin/indicators/indicator/{indicator.pk}/import-csv/",
        {"file": SimpleUploadedFile("data.csv", content, "text/csv"), **extra},
    )


def test_bad_csv_shows_every_bad_row_and_imports_nothing(
    editor_client: Any, make_indicator: Callable[..., Indicator],
) -> None:
    indicator = make_indicator()
    response = upload(editor_client, indicator,
                      b"Year,Bydel,Value\n2015,,10\n2016,,x\n2017,Syd,\n1.2.3,,4\n2015,,11\n")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported. The file has 4 errors:" in html
    assert "Line 3: “x” is not a number." in html
    assert "Line 4: The value is missing." in html
    assert "Line 5: “1.2.3” is not a year or period" in html
    assert "Line 6: The period 2015 with the same breakdown" in html
    assert not Observation.objects.filter(indicator=indicator).exists()
    assert ImportRun.objects.get(indicator=indicator).status == "failed"


def test_good_csv_imports_and_redirects(
    editor_client: Any, make_indicator: Callable[..., Indicator],
) -> None:
    indicator = make_indicator()
    response = upload(editor_client, indicator,
                      b"Year;Bydel;Value\n2015;;10,5\n2016;;11\n2016;Syd;3\n",
                      idempotency_key="k1")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/indicators/indicator/{indicator.pk}/change/")
    assert Observation.objects.filter(indicator=indicator).count() == 3
    assert Observation.objects.get(indicator=indicator, period="2015").value == 10.5
    run = ImportRun.objects.get(indicator=indicator)
    assert run.actor is not None and run.source == "data.csv"
    # A double click (same form key) does not import again.
    again = upload(editor_client, indicator, b"Year,Value\n2015,99\n", idempotency_key="k1")
    assert again.status_code == 302
    assert ImportRun.objects.filter(indicator=indicator).count() == 1


def test_manual_value_with_the_same_checks(
    editor_client: Any, make_indicator: Callable[..., Indicator],
) -> None:
    indicator = make_indicator()
    url = f"/en/admin/indicators/indicator/{indicator.pk}/add-value/"
    assert editor_client.get(url).status_code == 200
    bad = editor_client.post(url, {"period": "20x4", "value": "1.234", "source": "s",
                                   "breakdown": "Bydel"})
    html = bad.content.decode()
    assert "“20x4” is not a year or period" in html
    assert "could be a decimal number or a number with a thousands separator" in html
    assert "Write each breakdown as name=category." in html
    assert not Observation.objects.exists()

    ok = editor_client.post(url, {"period": "2024K1", "value": "1.234,5", "source": "Optælling",
                                  "breakdown": "Bydel=Syd; Køn=Kvinder"})
    assert ok.status_code == 302
    obs = Observation.objects.get()
    assert (obs.period, obs.value, obs.source) == ("2024K1", 1234.5, "Optælling")
    assert obs.disaggregation == {"Bydel": "Syd", "Køn": "Kvinder"}


def test_target_change_in_the_admin_recomputes(
    editor_client: Any, make_indicator: Callable[..., Indicator],
) -> None:
    indicator = make_indicator()
    upload(editor_client, indicator, b"Year,Value\n2015,100\n2020,80\n")
    assert Assessment.objects.get(indicator=indicator).target_value is None
    response = editor_client.get(f"/en/admin/indicators/indicator/{indicator.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "municipality"}
    data.update({"target_value": "50", "target_year": "2030", "goal": indicator.goal_id,
                 "series_targets": "{}", "_save": "Save"})
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    response = editor_client.post(
        f"/en/admin/indicators/indicator/{indicator.pk}/change/", data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Assessment.objects.get(indicator=indicator).target_value == 50


def test_other_municipality_and_citizens_are_kept_out(
    make_user: Callable[..., Any], client_for: Callable[..., Any],
    make_indicator: Callable[..., Indicator], other_municipality: Any,
) -> None:
    indicator = make_indicator()
    url = f"/en/admin/indicators/indicator/{indicator.pk}/import-csv/"
    other_editor = make_user(roles=("editor",), municipality=other_municipality)
    assert client_for(other_editor, host="andeby.test").get(url).status_code == 404
    citizen = client_for(make_user())
    assert citizen.get(url).status_code == 302  # to the login page
    moderator = client_for(make_user(roles=("moderator",), municipality=indicator.municipality))
    assert moderator.get(url).status_code == 403
