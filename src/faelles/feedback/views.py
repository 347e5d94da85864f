"""Thin views: parse input, check through `access_object`/`can`, call one service or selector."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from faelles.core.access import access_object
from faelles.core.formatting import day_label
from faelles.core.forms import already_submitted, submit_once
from faelles.core.links import path_for
from faelles.core.permissions import can, require
from faelles.core.tenancy import request_municipality
from faelles.feedback import exports, selectors, services
from faelles.feedback.forms import (
    AnswerForm,
    BulkAnswerForm,
    DetailsForm,
    OutcomeForm,
    PreferencesForm,
    StatusForm,
)
from faelles.feedback.models import EventKind, Status
from faelles.feedback.panels import trace_panel
from faelles.participation.models import Contribution, Process


def _process(request: HttpRequest, slug: str) -> Process:
    return access_object(request, Process, "participation.view_process", slug=slug)


def _contribution(request: HttpRequest, pk: int) -> Contribution:
    qs = Contribution.objects.select_related("process", "municipality", "author",
                                             "on_behalf_of", "phase")
    contribution = access_object(request, qs, "participation.view_contribution", pk=pk)
    require(request.user, "feedback.view_trace", contribution)
    return contribution


# --- trace pages ------------------------------------------------------------------------------

def trace(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(request, pk)
    return render(request, "feedback/trace.html", {
        "contribution": contribution, "trace": trace_panel(contribution),
        "text": selectors.trace_text(contribution),
        "following": services.is_following(user=request.user, target=contribution),
        "can_answer": can(request.user, "feedback.answer_contribution", contribution),
    })


def _shaped_page(request: HttpRequest, obj: Any, items: list[selectors.ShapedBy],
                 kind: str) -> HttpResponse:
    return render(request, "feedback/shaped_by.html", {
        "obj": obj, "items": items, "kind": kind,
        "following": services.is_following(user=request.user, target=obj),
        "follow_type": obj._meta.model_name,
    })


def trace_decision(request: HttpRequest, slug: str) -> HttpResponse:
    from faelles.strategy.models import Decision

    decision = access_object(request, Decision, "strategy.view_decision", slug=slug)
    items = selectors.shaped_by(outcomes_filter=Q(decision=decision),
                                municipality=request_municipality(request))
    return _shaped_page(request, decision, items, "decision")


def trace_initiative(request: HttpRequest, slug: str) -> HttpResponse:
    from faelles.strategy.models import Initiative

    initiative = access_object(request, Initiative, "strategy.view_initiative", slug=slug)
    items = selectors.shaped_by(
        outcomes_filter=Q(initiative=initiative) | Q(initiative__parent=initiative),
        municipality=request_municipality(request))
    return _shaped_page(request, initiative, items, "initiative")


def trace_goal(request: HttpRequest, slug: str) -> HttpResponse:
    from faelles.strategy.models import Goal

    goal = access_object(request, Goal, "strategy.view_goal", slug=slug)
    items = selectors.shaped_by(
        outcomes_filter=Q(initiative__goals=goal) | Q(decision__initiatives__goals=goal),
        municipality=request_municipality(request))
    return _shaped_page(request, goal, items, "goal")


# --- my contributions and notifications -------------------------------------------------------

@login_required
def my_contributions(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    page = selectors.my_contributions(
        user=request.user, municipality=municipality,
        after=request.GET.get("after", "")[:80], before=request.GET.get("before", "")[:80],
    )
    return render(request, "feedback/my_contributions.html", {
        "page": page, "cards": _mine_cards(page.items),
        "unread": selectors.unread_count(user=request.user, municipality=municipality),
    })


@dataclass(slots=True)
class _Card:
    item: selectors.MyContribution
    url: str
    sent: str
    when: str


def _mine_cards(items: list[selectors.MyContribution]) -> list[_Card]:
    """The lines of each card, formatted here with labels translated once per page and dates
    once per day: per card template calls (gettext, |date) were most of the page's rendering
    time."""
    lang = translation.get_language() or "da"
    tz = timezone.get_current_timezone()
    sent, answered = _("Sent %(date)s"), _("Answered %(date)s")
    due = _("Answer promised by %(date)s")

    def day(value: dt.date) -> str:
        return day_label(value, "j. F Y", lang)

    # The trace link's path around the id, reversed once per page (ids are digits).
    marker = 987_654_321_000
    before, _sep, after = selectors.trace_url(marker).partition(str(marker))
    cards = []
    for t in items:
        cards.append(_Card(
            item=t, url=f"{before}{t.pk}{after}",
            sent=sent % {"date": day(t.created_at.astimezone(tz).date())},
            when=(answered % {"date": day(t.answered_at.astimezone(tz).date())}
                  if t.answered_at else due % {"date": day(t.due_date)}),
        ))
    return cards


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    if request.method == "POST":
        services.notification_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect(path_for("feedback:notifications"))
    lang = translation.get_language() or "da"
    tz = timezone.get_current_timezone()
    items = [
        # Links are stored as Danish paths; show them in the page's language.
        _NotificationLine(n.subject, services.translate_path(n.url, lang), n.read_at is None,
                          day_label(n.created_at.astimezone(tz).date(), "j. F Y", lang))
        for n in selectors.notifications_for(user=request.user, municipality=municipality)
    ]
    return render(request, "feedback/notifications.html", {"items": items})


@dataclass(slots=True)
class _NotificationLine:
    subject: str
    url: str
    unread: bool
    date: str


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = selectors.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for kind in EventKind.values:
            services.preference_set(user=request.user, kind=kind, frequency=form.cleaned_data[kind])
        messages.success(request, _("Your settings are saved."))
        return redirect(path_for("feedback:settings"))
    return render(request, "feedback/settings.html", {"form": form})


@csrf_exempt  # the signed token is the credential; RFC 8058 clients POST without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation page and changes nothing (mail scanners follow links); the
    button, or a mail client's one-click request, POSTs."""
    data = services.unsubscribe_read(token)
    if data is None:
        return render(request, "feedback/unsubscribe_invalid.html", status=400)
    user_id, kind = data
    kind_label = EventKind(kind).label if kind in EventKind.values else _("all kinds of news")
    if request.method == "POST":
        services.unsubscribe_apply(user_id=user_id, kind=kind)
        return render(request, "feedback/unsubscribe_done.html", {"kind_label": kind_label})
    return render(request, "feedback/unsubscribe.html", {"kind_label": kind_label, "token": token})


_FOLLOWABLE = {
    "contribution": ("participation", "contribution", "participation.view_contribution"),
    "process": ("participation", "process", "participation.view_process"),
    "goal": ("strategy", "goal", "strategy.view_goal"),
    "initiative": ("strategy", "initiative", "strategy.view_initiative"),
    "decision": ("strategy", "decision", "strategy.view_decision"),
}


@login_required
@require_POST
def follow_toggle(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("type", "")
    if kind not in _FOLLOWABLE:
        raise Http404
    app, model, perm = _FOLLOWABLE[kind]
    model_class = ContentType.objects.get_by_natural_key(app, model).model_class()
    try:
        pk = int(request.POST.get("id", ""))
    except ValueError as exc:
        raise Http404 from exc
    target = access_object(request, model_class, perm, pk=pk)
    if request.POST.get("action") == "unfollow":
        services.unfollow(user=request.user, target=target)
        messages.success(request, _("You no longer follow this."))
    else:
        services.follow(user=request.user, target=target)
        messages.success(request, _("You follow this now. We will tell you what happens."))
    nxt = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = path_for("feedback:my_contributions")
    return redirect(nxt)


# --- hearing memo, responder list, export -----------------------------------------------------

def memo(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    require(request.user, "feedback.view_memo", process)
    return render(request, "feedback/memo.html", {
        "memo": selectors.hearing_memo(process=process),
        "can_internal": can(request.user, "feedback.view_internal_memo", process),
        "can_export": can(request.user, "feedback.export_process", process),
    })


def memo_internal(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    require(request.user, "feedback.view_internal_memo", process)
    pdf = exports.memo_pdf(process=process, internal=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"hoeringsnotat-internt-{process.slug}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def responders(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    require(request.user, "feedback.view_memo", process)
    return render(request, "feedback/responders.html",
                  {"memo": selectors.hearing_memo(process=process)})


def case_export(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    require(request.user, "feedback.export_process", process)
    response = HttpResponse(exports.case_zip(process=process), content_type="application/zip")
    name = slugify(f"sag-{process.slug}")
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- figures and overview ---------------------------------------------------------------------

def figures(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    figs = selectors.figures(municipality=municipality)
    processes = list(Process.objects.filter(municipality=municipality, is_published=True)
                     .order_by("-created_at", "-id"))
    return render(request, "feedback/figures.html", {
        "total": figs[None], "rows": [(p, figs.get(p.pk)) for p in processes],
        "show_overdue": can(request.user, "feedback.view_overdue", None),
    })


def figures_process(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    figs = selectors.figures(municipality=request_municipality(request), process=process)
    return render(request, "feedback/figures_process.html", {
        "process": process, "f": figs.get(process.pk) or figs[None],
        "show_overdue": can(request.user, "feedback.view_overdue", process),
    })


@login_required
def politician_overview(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    require(request.user, "feedback.view_politician_overview", None)
    rows, total = selectors.politician_overview(municipality=municipality)
    return render(request, "feedback/politicians.html", {"rows": rows, "total": total})


# --- staff: answering -------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def answer_process(request: HttpRequest, slug: str) -> HttpResponse:
    """One answer for one or many contributions of a process (bulk answer)."""
    process = _process(request, slug)
    require(request.user, "feedback.answer_contribution", process)
    municipality = request_municipality(request)
    services.statuses_ensure(municipality=municipality)
    contributions = list(Contribution.objects.filter(process=process, withdrawn_at__isnull=True)
                         .select_related("process", "municipality").order_by("created_at", "id"))
    traces = selectors.traces_for(contributions)
    # The work list: unanswered first, the most urgent deadline first.
    contributions.sort(key=lambda c: (traces[c.pk].is_answered, traces[c.pk].deadline, c.pk))
    choices = [(c.pk, c.title) for c in contributions]
    if request.method == "POST":
        if previous := already_submitted(request.POST):
            return redirect(previous)
        form = BulkAnswerForm(request.POST, choices=choices, municipality=municipality)
        if form.is_valid():
            chosen = [c for c in contributions if c.pk in set(form.cleaned_data["contributions"])]

            def action() -> str:
                services.answer_publish(contributions=chosen, text=form.cleaned_data["text"],
                                        actor=request.user, status=form.cleaned_data["status"])
                return path_for("feedback:answer_process", slug=process.slug)

            try:
                url = submit_once(form, scope="feedback.answer", action=action)
            except ValidationError as exc:
                form.add_error(None, exc)
                url = None
            if url:
                messages.success(request, ngettext_answer(len(chosen)))
                return redirect(url)
    else:
        form = BulkAnswerForm(choices=choices, municipality=municipality)
    return render(request, "feedback/answer_process.html", {
        "process": process, "form": form, "traces": [traces[c.pk] for c in contributions],
    })


def ngettext_answer(n: int) -> str:
    from django.utils.translation import ngettext

    return ngettext("The answer is published for %(num)s contribution.",
                    "The answer is published for %(num)s contributions.", n) % {"num": n}


@login_required
@require_http_methods(["GET", "POST"])
def answer_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    """Status, answer, outcome links and case details for one contribution."""
    contribution = _contribution(request, pk)
    require(request.user, "feedback.answer_contribution", contribution)
    municipality = request_municipality(request)
    services.statuses_ensure(municipality=municipality)
    state = getattr(contribution, "feedback_state", None) if hasattr(
        contribution, "feedback_state") else None
    forms_ = {
        "status": StatusForm(municipality=municipality, prefix="status"),
        "answer": AnswerForm(municipality=municipality, prefix="answer",
                             initial={"text": state.answer.text if state and state.answer else ""}),
        "outcome": OutcomeForm(municipality=municipality, prefix="outcome"),
        "details": DetailsForm(prefix="details", initial={
            "memo_section": state.memo_section if state else "",
            "deadline_override": state.deadline_override if state else None,
            "address": state.address if state else "",
            "address_protected": state.address_protected if state else False,
        }),
    }
    here = path_for("feedback:answer_contribution", pk=contribution.pk)
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which not in forms_:
            raise PermissionDenied
        form_class = type(forms_[which])
        kwargs: dict[str, Any] = {"prefix": which}
        if which in ("status", "answer", "outcome"):
            kwargs["municipality"] = municipality
        form = form_class(request.POST, **kwargs)
        forms_[which] = form
        if which == "answer" and (previous := already_submitted(request.POST)):
            return redirect(previous)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "status":
                    services.status_change(contribution=contribution, status=data["status"],
                                           actor=request.user, note=data["note"])
                elif which == "answer":
                    if state and state.answer:
                        services.answer_edit(answer=state.answer, text=data["text"],
                                             actor=request.user)
                    else:
                        url = submit_once(form, scope="feedback.answer", action=lambda: (
                            services.answer_publish(contributions=[contribution],
                                                    text=data["text"], actor=request.user,
                                                    status=data["status"]) and here))
                        if not url:
                            raise ValidationError(_("The answer was not saved."))
                elif which == "outcome":
                    target = _outcome_target(data["target"], municipality)
                    services.outcome_link(contribution=contribution, target=target,
                                          explanation=data["explanation"],
                                          change=data["change"], actor=request.user)
                else:
                    services.state_update_details(
                        contribution=contribution, actor=request.user,
                        memo_section=data["memo_section"],
                        deadline_override=data["deadline_override"], address=data["address"],
                        address_protected=data["address_protected"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(here)
    return render(request, "feedback/answer_contribution.html", {
        "contribution": contribution, "trace": selectors.contribution_trace(contribution),
        "forms": forms_, "statuses": Status.objects.filter(municipality=municipality),
        "shared_with": state.answer.states.count() if state and state.answer else 0,
    })


def _outcome_target(value: str, municipality: Any) -> Any:
    from faelles.strategy.models import Decision, Initiative, StrategyDocument

    kind, _sep, pk = value.partition(":")
    model = {"decision": Decision, "initiative": Initiative, "document": StrategyDocument}.get(kind)
    if model is None or not pk.isdigit():
        raise ValidationError(_("Choose what it led to."))
    try:
        return model.objects.get(municipality=municipality, pk=int(pk))
    except model.DoesNotExist as exc:
        raise ValidationError(_("Choose what it led to.")) from exc

