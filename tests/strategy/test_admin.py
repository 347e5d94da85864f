"""Staff edit the strategy in the back-office; bad input gets a clear message."""

from __future__ import annotations

from typing import Any

import pytest

from faelles.core.models import AuditEntry, Municipality
from faelles.search.models import SearchDocument
from faelles.strategy.models import Goal, Initiative, Milestone, Pillar

pytestmark = pytest.mark.django_db

EMPTY_MILESTONES = {
    "milestones-TOTAL_FORMS": "0", "milestones-INITIAL_FORMS": "0",
    "milestones-MIN_NUM_FORMS": "0", "milestones-MAX_NUM_FORMS": "1000",
}


def _initiative_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "slug": "ny-indsats", "title_da": "Ny indsats", "title_en": "New initiative",
        "status": "ongoing", "progress": "20", "is_published": "on",
        **EMPTY_MILESTONES,
    }
    data.update(overrides)
    return data


def _errors(response: Any) -> str:
    assert response.status_code == 200, response.status_code  # the form comes back
    return response.content.decode()


def test_goal_without_pillar_gets_a_clear_message(
    demo_data: Municipality, client_for: Any, editor: Any
) -> None:
    response = client_for(editor).post("/admin/strategy/goal/add/", {
        "slug": "uden-tema", "title_da": "Uden tema", "title_en": "No theme",
        "dimension": "social", "order": "0", "is_published": "on",
    })
    assert "Vælg det tema, som målet hører til." in _errors(response)
    assert not Goal.objects.filter(slug="uden-tema").exists()


def test_progress_over_100_gets_a_clear_message(
    demo_data: Municipality, client_for: Any, editor: Any
) -> None:
    response = client_for(editor).post(
        "/admin/strategy/initiative/add/", _initiative_form(progress="140")
    )
    assert "Fremdrift er i procent. Skriv et tal fra 0 til 100." in _errors(response)
    assert not Initiative.objects.filter(slug="ny-indsats").exists()


def test_milestone_after_the_initiative_ends_gets_a_clear_message(
    demo_data: Municipality, client_for: Any, editor: Any
) -> None:
    data = _initiative_form(
        start_date="2025-01-01", end_date="2025-12-31",
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-0-title_da": "For sent", "milestones-0-title_en": "Too late",
            "milestones-0-due_date": "2026-03-01",
        },
    )
    response = client_for(editor).post("/admin/strategy/initiative/add/", data)
    html = _errors(response)
    assert "Milepælen ligger efter indsatsens slutdato (31.12.2025)." in html
    assert not Initiative.objects.filter(slug="ny-indsats").exists()
    assert not Milestone.objects.filter(title_da="For sent").exists()


def test_valid_initiative_is_saved_indexed_audited_and_rolled_up(
    demo_data: Municipality, client_for: Any, editor: Any
) -> None:
    parent = Initiative.objects.get(municipality=demo_data, slug="klimaplan-2050")
    data = _initiative_form(
        parent=str(parent.pk), weight="6", progress="100",
        start_date="2025-01-01", end_date="2025-12-31",
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-0-title_da": "Start", "milestones-0-title_en": "Start",
            "milestones-0-due_date": "2025-02-01",
        },
    )
    response = client_for(editor).post("/admin/strategy/initiative/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    new = Initiative.objects.get(slug="ny-indsats")
    assert new.municipality == demo_data
    assert new.milestones.get().municipality == demo_data
    # Previously 45 % from weights 3, 2, 1; now (120 + 130 + 20 + 600) / 12 = 72.5
    parent.refresh_from_db()
    assert str(parent.progress_total) == "72.5"
    docs = SearchDocument.objects.filter(kind="strategy.initiative", object_id=str(new.pk))
    assert docs.count() == 2
    assert AuditEntry.objects.filter(object_type__icontains="initiative", action="add").exists()


def test_preview_renders_sanitised_markdown(
    demo_data: Municipality, client_for: Any, editor: Any
) -> None:
    pillar = Pillar.objects.get(municipality=demo_data, slug="det-groenne")
    Pillar.objects.filter(pk=pillar.pk).update(
        text_da="**Grøn** <script>alert(1)</script>", text_en="*Green*"
    )
    html = client_for(editor).get(f"/admin/strategy/pillar/{pillar.pk}/change/").content.decode()
    assert "<strong>Grøn</strong>" in html
    assert "<em>Green</em>" in html
    assert "<script>alert(1)</script>" not in html


def test_citizen_cannot_open_the_strategy_admin(
    demo_data: Municipality, client_for: Any, make_user: Any
) -> None:
    citizen = make_user()
    response = client_for(citizen).get("/admin/strategy/goal/")
    assert response.status_code in (302, 403)


def test_editor_of_another_municipality_cannot_reach_albertslund_goals(
    demo_data: Municipality, other_municipality: Municipality, client_for: Any, make_user: Any
) -> None:
    andeby_editor = make_user(roles=("editor",), municipality=other_municipality)
    goal = Goal.objects.get(municipality=demo_data, slug="trygge-byrum")
    client = client_for(andeby_editor, host="andeby.test")
    response = client.get(f"/admin/strategy/goal/{goal.pk}/change/")
    assert response.status_code in (302, 404)
