"""Report pages: the public list and edition page (rendered from the frozen snapshot), the
generated files, and the staff actions (create, generate with progress, publish)."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from faelles.core.access import access_object
from faelles.core.forms import already_submitted, submit_once
from faelles.core.permissions import can, require
from faelles.core.tenancy import request_municipality
from faelles.reports import render as report_render
from faelles.reports import selectors, services
from faelles.reports.forms import EditionCreateForm
from faelles.reports.models import ReportEdition


def _edition(request: HttpRequest, year: int, action: str = "reports.view_reportedition"
             ) -> ReportEdition:
    return access_object(request, ReportEdition, action, year=year)


@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    request_municipality(request)
    can_manage = can(request.user, "reports.add_reportedition", None) and can(
        request.user, "reports.view_any", None
    )
    return _list_page(request, EditionCreateForm() if can_manage else None, can_manage)


def _list_page(request: HttpRequest, form: EditionCreateForm | None, can_manage: bool,
               status: int = 200) -> HttpResponse:
    municipality = request_municipality(request)
    return render(request, "reports/list.html", {
        "editions": list(selectors.edition_list(municipality, include_unpublished=can_manage)),
        "can_manage": can_manage, "form": form,
    }, status=status)


@require_POST
def edition_create(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    require(request.user, "reports.add_reportedition", None)
    previous = already_submitted(request.POST)
    if previous is not None:
        return redirect(previous)
    form = EditionCreateForm(request.POST)
    if form.is_valid():
        def action() -> str:
            edition = services.edition_create(
                municipality=municipality, year=form.cleaned_data["year"], actor=request.user
            )
            return reverse("reports:status", kwargs={"year": edition.year})

        try:
            url = submit_once(form, scope="reports.edition_create", action=action)
        except ValidationError as exc:
            form.add_error("year", exc.message_dict.get("year", exc.messages))
            url = None
        if url:
            return redirect(url)
    return _list_page(request, form, True, status=400)


@require_GET
def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(request, year)
    lang = request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("da", "en") else "da"
    context = report_render.report_context(
        snapshot=edition.snapshot, lang=lang,
        foreword=getattr(edition, f"foreword_{lang}") or edition.foreword_da or "",
        texts=selectors.section_texts(edition), prefix="p", is_example=edition.is_example,
    )
    context.update({
        "edition": edition,
        "pages": edition.pdf_pages_en if lang == "en" else edition.pdf_pages_da,
    })
    return render(request, "reports/edition.html", context)


def _file(request: HttpRequest, year: int, lang: str, kind: str) -> FileResponse:
    if lang not in ("da", "en"):
        raise Http404
    edition = _edition(request, year)
    stored = edition.file_for(kind, lang)
    if not stored:
        raise Http404
    filename = f"sdg-{'rapport' if lang == 'da' else 'report'}-{edition.year}-{lang}.{kind}"
    response = FileResponse(
        stored.open("rb"), as_attachment=(kind == "pdf"), filename=filename,
        content_type="application/pdf" if kind == "pdf" else "text/html; charset=utf-8",
    )
    if kind == "html":
        # The standalone document has no scripts; its stylesheet comes from our static files.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'"
        )
    return response


@require_GET
def edition_pdf(request: HttpRequest, year: int, lang: str) -> FileResponse:
    return _file(request, year, lang, "pdf")


@require_GET
def edition_html(request: HttpRequest, year: int, lang: str) -> FileResponse:
    return _file(request, year, lang, "html")


def _section_keys(edition: ReportEdition) -> list[tuple[str, str]]:
    s = edition.snapshot
    keys = [(f"pillar:{p['slug']}", p["title"]["da"]) for p in s.get("pillars", [])]
    keys += [(f"sdg:{n}", _("SDG %(number)s") % {"number": n}) for n in sorted(
        int(n) for n in s.get("sdgs", {}))]
    keys += [("participation", _("Participation and feedback")),
             ("conclusions", _("Conclusions"))]
    return keys


@require_GET
def edition_status(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(request, year, "reports.generate_reportedition")
    try:
        admin_url = reverse("admin:reports_reportedition_change", args=[edition.pk])
    except NoReverseMatch:
        admin_url = ""
    return render(request, "reports/status.html", {
        "edition": edition, "admin_url": admin_url, "section_keys": _section_keys(edition),
    })


@require_POST
def edition_generate(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(request, year, "reports.generate_reportedition")
    if edition.status != "generating":
        services.edition_generate_start(edition=edition, actor=request.user)
    return redirect("reports:status", year=edition.year)


@require_POST
def edition_publish(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(request, year, "reports.publish_reportedition")
    # The button is only shown for generated editions; otherwise there is nothing to do.
    with contextlib.suppress(ValidationError):
        services.edition_publish(edition=edition, actor=request.user)
    return redirect("reports:status", year=edition.year)
