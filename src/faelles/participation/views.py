"""Thin views: parse input, ask the rules, call one service or selector, render.

Every page works without JavaScript; with htmx, the list filters, the support button and the
similar-contributions hint update in place (`request.htmx`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from faelles.accounts import drafts
from faelles.accounts.models import Organisation
from faelles.core.access import access_object
from faelles.core.formatting import DateFormatter
from faelles.core.forms import already_submitted, submit_once
from faelles.core.links import path_for
from faelles.core.permissions import can
from faelles.core.tenancy import request_municipality
from faelles.feedback.panels import trace_panel
from faelles.feedback.services import is_following
from faelles.participation import selectors, services
from faelles.participation.formatting import attachment_label
from faelles.participation.forms import (
    BlueprintForm,
    CommentEditForm,
    CommentForm,
    ContributionEditForm,
    ContributionForm,
    ModerationForm,
    OfflineContributionForm,
    RedactionForm,
    ReportForm,
)
from faelles.participation.ical import meeting_ical
from faelles.participation.models import (
    Comment,
    Contribution,
    ContributionKind,
    Meeting,
    Neighbourhood,
    Paragraph,
    Registration,
    Report,
)
from faelles.participation.phases import Action, PhaseType

SEED_COOKIE = "faelles_order_seed"


def _process(request: HttpRequest, slug: str) -> Any:
    process = selectors.process_get(municipality=request_municipality(request), slug=slug)
    if process is None or not can(request.user, "participation.view_process", process):
        raise Http404
    return process


def _process_shell(request: HttpRequest, slug: str, *, with_texts: bool = False) -> Any:
    """The lean process for the list and the process page (see selectors.process_shell)."""
    process = selectors.process_shell(municipality=request_municipality(request), slug=slug,
                                      with_texts=with_texts)
    if process is None or not can(request.user, "participation.view_process", process):
        raise Http404
    return process


def _contribution(request: HttpRequest, pk: int, *, for_page: bool = False) -> Contribution:
    """The contribution with what the rules need (its process and phases); the page also gets
    what it shows (question, meeting, paragraph; its tags come from selectors.contribution_tags).
    Actions (support, report ...) skip what they never show."""
    if for_page:
        return _contribution_for_page(request, pk)
    qs = Contribution.objects.select_related("process", "author").prefetch_related(
        "process__phases")
    contribution = access_object(request, qs, "participation.view_contribution", pk=pk)
    # Fetched within the request's municipality: hand it over instead of loading it again.
    contribution.municipality = request_municipality(request)
    return contribution


def _contribution_for_page(request: HttpRequest, pk: int) -> Contribution:
    """As `access_object` does (not found outside the municipality; not found, or forbidden for
    staff, without the view rule), with the process as its cached shell (phases as plain
    values) instead of a join and a prefetch of its phases in every request."""
    municipality = request_municipality(request)
    contribution = Contribution.objects.select_related(
        "author", "on_behalf_of", "question", "meeting", "paragraph",
    ).filter(municipality=municipality, pk=pk).first()
    if contribution is None:
        raise Http404
    process = selectors.process_shell_by_pk(municipality=municipality,
                                            pk=contribution.process_id)
    if process is None:
        raise Http404
    contribution.process = process
    if not can(request.user, "participation.view_contribution", contribution):
        if not can(request.user, "participation.view_any", contribution):
            raise Http404
        raise PermissionDenied("participation.view_contribution")
    # Fetched within the request's municipality: hand it over instead of loading it again.
    contribution.municipality = request_municipality(request)
    return contribution


def _thread_context(request: HttpRequest, threads: list[Any]) -> dict[str, Any]:
    """What the comment thread template needs besides the comments, computed once per request:
    a date formatter, the CSRF field (one token for every reply form) and which of the
    visitor's own comments they may still edit (asked of the rules, for their comments only)."""
    from django.template.backends.utils import csrf_input

    user = request.user
    editable: set[int] = set()
    if user.is_authenticated:
        stack = list(threads)
        while stack:
            node = stack.pop()
            comment = node.comment
            if comment.author_id == user.pk and can(user, "participation.edit_comment", comment):
                editable.add(comment.pk)
            stack.extend(node.replies)
    return {"fmt_date": DateFormatter(), "csrf_field": csrf_input(request),
            "editable_comments": editable, "signed_in": user.is_authenticated}


# Stands for the CSRF field while a thread is rendered for the cache: the cached pieces are split
# at it and joined with the visitor's own field. Random per process, so no comment text can
# contain it.
_CSRF_MARK = f"\x00csrf-{secrets.token_hex(12)}\x00"


@dataclass(frozen=True, slots=True)
class _OwnComment:
    """What the edit rule reads of a comment (author, age, hidden)."""

    pk: int
    author_id: int
    created_at: dt.datetime
    is_hidden: bool


@dataclass(slots=True)
class ThreadPart:
    """The comment thread of a contribution page as HTML pieces (to be joined with the
    visitor's CSRF field), who wrote which comment (for the edit rule), and the tags."""

    pieces: list[str]
    by_author: dict[int, list[tuple[int, dt.datetime, bool]]]
    tags: selectors.Tags
    count: int


def _render_thread(contribution: Contribution, threads: list[Any], *, may_comment: bool,
                   signed_in: bool, editable: set[int], csrf: str) -> str:
    from django.template import engines
    from markupsafe import Markup

    template = engines["jinja2"].env.get_template("participation/_thread.html")
    return template.render({
        "c": contribution, "comments": threads, "may_comment": may_comment,
        "signed_in": signed_in, "editable_comments": editable,
        "csrf_field": Markup(csrf),  # noqa: S704 - our own field or the CSRF mark
    })


def _load_thread(contribution: Contribution, threads: list[Any], *, may_comment: bool,
                 signed_in: bool) -> ThreadPart:
    """The thread as every visitor with these two flags sees it, before their own parts (the
    CSRF field; edit links, which only the author gets, see _thread_part)."""
    by_author: dict[int, list[tuple[int, dt.datetime, bool]]] = {}
    stack, count = list(threads), 0
    while stack:
        node = stack.pop()
        cm = node.comment
        count += 1
        if cm.author_id:
            by_author.setdefault(cm.author_id, []).append((cm.pk, cm.created_at, cm.is_hidden))
        stack.extend(node.replies)
    html = _render_thread(contribution, threads, may_comment=may_comment, signed_in=signed_in,
                          editable=set(), csrf=_CSRF_MARK)
    return ThreadPart(html.split(_CSRF_MARK), by_author,
                      selectors.contribution_tags(contribution=contribution), count)


def _thread_part(request: HttpRequest, contribution: Contribution, *,
                 may_comment: bool) -> tuple[Any, selectors.Tags, bool]:
    """The contribution's comment thread (HTML) and tags, cached per contribution, language
    and the two things that change its markup for everyone alike (reply forms; report links
    for signed-in visitors) until the municipality's content changes (a new, edited or hidden
    comment, a changed contribution, tag or pillar, a renamed author: see
    `faelles.core.pagecache` and `services.bump_for_user`).

    What belongs to one visitor is never cached: the CSRF field is joined in per request, and a
    visitor with comments they may still edit (the edit rule, asked per request from the cached
    authors and ages) gets the thread rendered fresh with their edit links."""
    from django.template.backends.utils import csrf_input
    from markupsafe import Markup

    from faelles.core import pagecache

    user = request.user
    signed_in = bool(user.is_authenticated)
    lang = translation.get_language() or "da"
    mid = contribution.municipality_id
    loaded: list[Any] = []

    def load() -> ThreadPart:
        loaded.append(selectors.comment_tree(contribution=contribution))
        return _load_thread(contribution, loaded[0], may_comment=may_comment,
                            signed_in=signed_in)

    part = pagecache.fragment(
        f"participation:{selectors.SHAPE}:thread:{contribution.pk}:{lang}:{int(may_comment)}"
        f":{int(signed_in)}", mid, load,
    )
    csrf = csrf_input(request) if may_comment else ""
    editable: set[int] = set()
    if signed_in:
        for pk, created_at, hidden in part.by_author.get(user.pk, ()):
            if can(user, "participation.edit_comment", _OwnComment(pk, user.pk, created_at,
                                                                    hidden)):
                editable.add(pk)
    if editable:
        threads = loaded[0] if loaded else selectors.comment_tree(contribution=contribution)
        html = _render_thread(contribution, threads,
                              may_comment=may_comment, signed_in=signed_in, editable=editable,
                              csrf=csrf)
    else:
        html = csrf.join(part.pieces)
    return Markup(html), part.tags, part.count > 0  # noqa: S704 - rendered with autoescape


def _abilities(request: HttpRequest, process: Any) -> dict[str, bool]:
    user = request.user
    return {
        Action.CONTRIBUTE: can(user, "participation.contribute_process", process),
        Action.RESPOND_HEARING: can(user, "participation.respond_process", process),
        Action.REGISTER_OFFLINE: can(user, "participation.register_offline_process", process),
    }


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


# -- Processes -------------------------------------------------------------------------------


@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    running, other = selectors.process_cards(
        municipality=request_municipality(request),
        include_unpublished=can(request.user, "participation.view_any", None),
    )
    return render(request, "participation/process_list.html",
                  {"running": running, "other": other,
                   "may_create": can(request.user, "participation.add_process", None)})


@require_GET
def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process_shell(request, slug, with_texts=True)
    now = timezone.now()
    user = request.user
    abilities = _abilities(request, process)
    can_support = any(
        p.is_running(now) and p.type in (PhaseType.IDEA_COLLECTION, PhaseType.PRE_HEARING)
        for p in process.phase_list
    )
    can_comment = any(
        p.is_running(now) and p.type not in (PhaseType.DECISION,) for p in process.phase_list
    )
    filters = selectors.ContributionFilters()
    latest = selectors.contribution_page(process=process, filters=filters, user=user,
                                         page_size=5)
    return render(request, "participation/process_detail.html", {
        "process": process, "now": now, "abilities": abilities,
        "can_support": can_support, "can_comment": can_comment,
        "meetings": process.meeting_lines, "latest": latest, "drafts": process.draft_lines,
        "following": is_following(user=user, target=process),
        "may_answer": can(user, "feedback.change_answer", process),
    })


@require_GET
def contribution_list(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process_shell(request, slug)
    params = request.GET
    # The random order is stable per visitor: the seed travels in the links and a cookie, so
    # paging and reloading keep the order. Only the random sort sets the cookie.
    seed = selectors._int(params.get("seed"))
    if seed is None:
        seed = selectors._int(request.COOKIES.get(SEED_COOKIE))
    new_seed = seed is None
    if seed is None:
        seed = secrets.randbelow(1_000_000)
    filters = selectors.parse_filters(params, seed=seed)
    page = selectors.contribution_page(process=process, filters=filters, user=request.user)
    context = {
        "process": process, "filters": filters, "page": page,
        "neighbourhoods": Neighbourhood.choices,
        "statuses": process.status_list,
        "sdg_numbers": process.sdg_numbers, "pillars": process.pillar_list,
        "abilities": _abilities(request, process),
        "list_url": path_for("participation:contributions", slug=process.slug),
    }
    template = ("participation/_contribution_results.html" if request.htmx
                else "participation/contribution_list.html")
    response = render(request, template, context)
    if filters.sort == "random" and new_seed:
        response.set_cookie(SEED_COOKIE, str(seed), max_age=30 * 86400, samesite="Lax",
                            httponly=True)
    return response


# -- Contributions ---------------------------------------------------------------------------


def _form_kwargs(request: HttpRequest, process: Any) -> dict[str, Any]:
    user = request.user
    kinds = services.allowed_kinds(process=process, user=user)
    now = timezone.now()
    questions = [q for p in process.running_phases(now) for q in p.questions.all()
                 if p.type == PhaseType.PRE_HEARING]
    organisations = list(
        Organisation.objects.filter(
            municipality=process.municipality_id, memberships__user=user,
            memberships__confirmed_at__isnull=False,
        )
    )
    paragraphs: list[Any] = []
    if ContributionKind.HEARING_RESPONSE in kinds:
        drafts = selectors.drafts_for(process=process)
        if drafts:
            paragraphs = list(drafts[-1].paragraphs.order_by("order", "id"))
    return {"kinds": kinds, "questions": questions, "pillars": list(process.pillars.all()),
            "organisations": organisations, "paragraphs": paragraphs}


@login_required
@require_http_methods(["GET", "POST"])
def contribution_create(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    kwargs = _form_kwargs(request, process)
    if not kwargs["kinds"]:
        messages.info(request, _("This process does not take contributions now."))
        return redirect(process.get_absolute_url())
    autosave = drafts.autosave_for(request, drafts.key_for("contribution", process.pk))
    if request.method == "POST":
        if previous := already_submitted(request.POST):
            return redirect(previous)
        form = ContributionForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            questions = {q.pk: q for q in kwargs["questions"]}
            pillars = {p.pk: p for p in kwargs["pillars"]}
            orgs = {o.pk: o for o in kwargs["organisations"]}
            paragraphs = {p.pk: p for p in kwargs["paragraphs"]}

            def action() -> str:
                contribution = services.contribution_create(
                    process=process, author=request.user, title=data["title"],
                    text=data["text"], kind=data["kind"],
                    question=questions.get(data.get("question") or 0),
                    neighbourhood=data.get("neighbourhood") or "",
                    pillars=[pillars[i] for i in data.get("pillars") or [] if i in pillars],
                    image=form.cleaned_image, image_alt=data.get("image_alt") or "",
                    on_behalf_of=orgs.get(data.get("on_behalf_of") or 0),
                    publish_name=data.get("publish_name", True),
                    protected_address=data.get("protected_address", False),
                    paragraph=paragraphs.get(data.get("paragraph") or 0),
                    attachment=form.cleaned_attachment,
                )
                autosave.delete()
                return contribution.get_absolute_url()

            try:
                url = submit_once(form, scope="participation.contribution", action=action)
            except services.ParticipationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                url = None
            if url:
                messages.success(request, _("Thank you. Your contribution is published."))
                return redirect(url)
    else:
        form = ContributionForm(initial=autosave.initial, **kwargs)
    return render(request, "participation/contribution_form.html",
                  {"process": process, "form": form, "autosave": autosave,
                   "edit_minutes": settings.FAELLES_EDIT_GRACE_MINUTES},
                  status=400 if form.errors else 200)


@require_GET
def similar(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    text = f"{request.GET.get('title', '')} {request.GET.get('text', '')}"[:3000]
    items = selectors.similar_contributions(process=process, text=text)
    return render(request, "participation/_similar.html", {"items": items})


@require_GET
def contribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _contribution_page(request, _contribution(request, pk, for_page=True), CommentForm())


def _contribution_page(request: HttpRequest, contribution: Contribution, comment_form: Any,
                       status: int = 200) -> HttpResponse:
    """The contribution page; also shown again, with the typed comment, after a failed comment."""
    user = request.user
    may_comment = can(user, "participation.comment_contribution", contribution)
    thread, tags, has_comments = _thread_part(request, contribution, may_comment=may_comment)
    return render(request, "participation/contribution_detail.html", {
        "c": contribution, "process": contribution.process,
        "attachment_label": attachment_label(contribution) if contribution.attachment else "",
        # What the contribution led to (the feedback loop), and whether the visitor follows it.
        "trace": trace_panel(contribution) if contribution.is_public else None,
        "following": is_following(user=user, target=contribution),
        "thread": thread, "has_comments": has_comments, "tags": tags,
        "supported": selectors.user_supports(user=user, contribution=contribution),
        "may_support": can(user, "participation.support_contribution", contribution),
        "may_comment": may_comment,
        "may_edit": can(user, "participation.change_contribution", contribution),
        "may_withdraw": can(user, "participation.withdraw_contribution", contribution),
        "may_moderate": can(user, "participation.moderate_contribution", contribution),
        "may_redact": can(user, "participation.redact_contribution", contribution),
        "comment_form": comment_form,
    }, status=status)


def _support_response(request: HttpRequest, contribution: Contribution) -> HttpResponse:
    contribution.refresh_from_db(fields=["support_count", "confirmed_support_count"])
    return render(request, "participation/_support.html", {
        "c": contribution,
        "supported": selectors.user_supports(user=request.user, contribution=contribution),
        "may_support": can(request.user, "participation.support_contribution", contribution),
    })


@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(request, pk)
    if not request.user.is_authenticated:
        return redirect(f"{path_for('accounts:login')}?next={contribution.get_absolute_url()}")
    try:
        if request.POST.get("action") == "remove":
            services.support_remove(contribution=contribution, user=request.user)
        else:
            services.support_add(contribution=contribution, user=request.user)
    except services.ParticipationError as exc:
        messages.error(request, exc.message)
    except PermissionDenied:
        messages.error(request, _("You cannot support this contribution now."))
    if request.htmx:
        return _support_response(request, contribution)
    return redirect(_safe_next(request, contribution.get_absolute_url()))


@login_required
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(request, pk, for_page=True)
    if previous := already_submitted(request.POST):
        return redirect(previous)
    form = CommentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        parent = None
        if data.get("parent"):
            parent = Comment.objects.filter(contribution=contribution, pk=data["parent"]).first()

        def action() -> str:
            comment = services.comment_create(contribution=contribution, author=request.user,
                                              text=data["text"], parent=parent)
            return f"{contribution.get_absolute_url()}#comment-{comment.pk}"

        try:
            url = submit_once(form, scope="participation.comment", action=action)
        except services.ParticipationError as exc:
            form.add_error("text", exc.message)
            url = None
        except PermissionDenied:
            form.add_error(None, _("Comments are closed here."))
            url = None
        if url:
            return redirect(url)
    return _contribution_page(request, contribution, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(request, pk)
    if not can(request.user, "participation.change_contribution", contribution):
        raise PermissionDenied
    has_attachment = bool(contribution.attachment)
    if request.method == "POST":
        form = ContributionEditForm(request.POST, request.FILES, has_attachment=has_attachment)
        if form.is_valid():
            try:
                services.contribution_edit(
                    contribution=contribution, user=request.user,
                    title=form.cleaned_data["title"], text=form.cleaned_data["text"],
                    attachment=form.cleaned_attachment,
                    remove_attachment=form.cleaned_data.get("remove_attachment", False),
                )
                messages.success(request, _("Your changes are saved."))
                return redirect(contribution.get_absolute_url())
            except services.ParticipationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:
        form = ContributionEditForm(initial={"title": contribution.title,
                                             "text": contribution.text},
                                    has_attachment=has_attachment)
    return render(request, "participation/contribution_edit.html",
                  {"c": contribution, "process": contribution.process, "form": form,
                   "attachment_label": attachment_label(contribution) if has_attachment
                   else ""},
                  status=400 if form.errors else 200)


def _comment_back(comment: Comment) -> str:
    """Where a comment is shown: its contribution, or its paragraph in the draft."""
    if comment.contribution_id is not None:
        return f"{comment.contribution.get_absolute_url()}#comment-{comment.pk}"
    version = comment.paragraph.version
    return (path_for("participation:draft", slug=version.process.slug, number=version.number)
            + f"#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author corrects a comment within the grace period (a page of its own, so it works
    without JavaScript; with htmx the form replaces the comment in place)."""
    # Only the author's own comments are found; anyone else gets "not found".
    comment = Comment.objects.select_related(
        "author", "contribution__process", "paragraph__version__process",
    ).filter(municipality=request_municipality(request), pk=pk, author=request.user).first()
    if comment is None:
        raise Http404
    target = comment.contribution or comment.paragraph
    perm = ("participation.view_contribution" if comment.contribution_id
            else "participation.view_paragraph")
    if not can(request.user, perm, target):
        raise Http404
    back = _comment_back(comment)
    if request.method == "POST":
        form = CommentEditForm(request.POST, auto_id=f"edit-{comment.pk}-%s")
        if form.is_valid():
            try:
                services.comment_edit(comment=comment, user=request.user,
                                      text=form.cleaned_data["text"])
            except services.ParticipationError as exc:
                form.add_error("text", exc.message)
            else:
                if request.htmx:
                    return _comment_fragment(request, comment)
                messages.success(request, _("Your comment is saved."))
                return redirect(back)
    else:
        if not can(request.user, "participation.edit_comment", comment):
            messages.error(request, _(
                "You can edit a comment only within %(minutes)d minutes of writing it."
            ) % {"minutes": settings.FAELLES_EDIT_GRACE_MINUTES})
            return redirect(back)
        form = CommentEditForm(initial={"text": comment.text},
                               auto_id=f"edit-{comment.pk}-%s")
    if request.htmx:
        # The form replaces the comment in place: the keyboard focus moves into it.
        form.fields["text"].widget.attrs["autofocus"] = True
    template = ("participation/_comment_edit_form.html" if request.htmx
                else "participation/comment_edit.html")
    return render(request, template, {
        "comment": comment, "form": form, "back": back,
        "deadline": comment.created_at + dt.timedelta(
            minutes=settings.FAELLES_EDIT_GRACE_MINUTES),
        "process": (comment.contribution.process if comment.contribution_id
                    else comment.paragraph.version.process),
    # htmx swaps only successful answers: the form with its errors comes back as 200 there.
    }, status=400 if form.errors and not request.htmx else 200)


def _comment_fragment(request: HttpRequest, comment: Comment) -> HttpResponse:
    """The saved comment alone (its replies stay where they are), for htmx to swap in."""
    from faelles.participation.selectors import CommentNode

    node = CommentNode(selectors.ThreadComment.from_model(comment))
    return render(request, "participation/_comment_single.html", {
        "node": node, "c": comment.contribution if comment.contribution_id else None,
        "may_comment": False, **_thread_context(request, [node]),
    })


@login_required
@require_POST
def contribution_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(request, pk)
    services.contribution_withdraw(contribution=contribution, user=request.user)
    messages.success(request, _("Your contribution is withdrawn."))
    return redirect(contribution.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int, comment_pk: int | None = None) -> HttpResponse:
    contribution = _contribution(request, pk)
    comment = None
    if comment_pk is not None:
        comment = Comment.objects.filter(contribution=contribution, pk=comment_pk).first()
        if comment is None:
            raise Http404
    if request.method == "POST":
        if previous := already_submitted(request.POST):
            return redirect(previous)
        form = ReportForm(request.POST)
        if form.is_valid():
            def action() -> str:
                services.report_create(
                    reporter=request.user, reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"], contribution=contribution, comment=comment,
                )
                return contribution.get_absolute_url()

            try:
                url = submit_once(form, scope="participation.report", action=action)
            except services.ParticipationError as exc:
                form.add_error(None, exc.message)
                url = None
            if url:
                messages.success(request, _("Thank you. A moderator will look at it."))
                return redirect(url)
    else:
        form = ReportForm()
    return render(request, "participation/report_form.html",
                  {"c": contribution, "comment": comment, "form": form,
                   "process": contribution.process}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_register_offline(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    if not can(request.user, "participation.register_offline_process", process):
        raise PermissionDenied
    meetings = selectors.meetings_for(process=process)
    if request.method == "POST":
        if previous := already_submitted(request.POST):
            return redirect(previous)
        form = OfflineContributionForm(request.POST, request.FILES, meetings=meetings)
        if form.is_valid():
            data = form.cleaned_data
            by_pk = {m.pk: m for m in meetings}
            received = None
            if data.get("received_on"):
                received = timezone.make_aware(
                    dt.datetime.combine(data["received_on"], dt.time(12, 0))
                )

            def action() -> str:
                contribution = services.contribution_register_offline(
                    process=process, registered_by=request.user,
                    offline_source=data["offline_source"], kind=data["kind"],
                    offline_author_name=data.get("offline_author_name") or "",
                    publish_name=data.get("publish_name", False),
                    meeting=by_pk.get(data.get("meeting") or 0), title=data["title"],
                    text=data["text"], neighbourhood=data.get("neighbourhood") or "",
                    created_at=received, attachment=form.cleaned_attachment,
                )
                return contribution.get_absolute_url()

            try:
                url = submit_once(form, scope="participation.offline", action=action)
            except services.ParticipationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                url = None
            if url:
                messages.success(request, _("The contribution is registered."))
                return redirect(url)
    else:
        form = OfflineContributionForm(meetings=meetings)
    return render(request, "participation/offline_form.html",
                  {"process": process, "form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_redact(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(request, pk)
    if not can(request.user, "participation.redact_contribution", contribution):
        raise PermissionDenied
    if request.method == "POST":
        form = RedactionForm(request.POST)
        if form.is_valid():
            try:
                services.contribution_redact(
                    staff=request.user, contribution=contribution,
                    text=form.cleaned_data["text"], reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("The published text is saved."))
                return redirect(contribution.get_absolute_url())
            except services.ParticipationError as exc:
                form.add_error(exc.field if exc.field in form.fields else "text", exc.message)
    else:
        form = RedactionForm(initial={
            "text": contribution.redacted_text or contribution.text,
            "reason": contribution.redaction_reason,
        })
    return render(request, "participation/redact_form.html",
                  {"c": contribution, "process": contribution.process, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def process_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "participation.add_process", None):
        raise PermissionDenied
    municipality = request_municipality(request)
    if request.method == "POST":
        if previous := already_submitted(request.POST):
            return redirect(previous)
        form = BlueprintForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data

            def action() -> str:
                process = services.process_create_from_blueprint(
                    municipality=municipality, actor=request.user, blueprint=data["blueprint"],
                    title=data["title"], slug=data["slug"], start=data["start"],
                )
                return process.get_absolute_url()

            try:
                url = submit_once(form, scope="participation.process", action=action)
            except services.ParticipationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                url = None
            if url:
                messages.success(request, _("The process is created but not published. Adjust "
                                            "the dates and texts in the back-office, then "
                                            "publish it."))
                return redirect(url)
    else:
        form = BlueprintForm()
    return render(request, "participation/process_create.html", {"form": form},
                  status=400 if form.errors else 200)


# -- Drafts in hearing ----------------------------------------------------------------------


@require_GET
def draft(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    process = _process(request, slug)
    page = selectors.draft_page(process=process, number=number)
    if page is None:
        raise Http404
    may_comment = bool(page.paragraphs) and can(
        request.user, "participation.comment_paragraph", page.paragraphs[0][0]
    )
    threads = [node for _paragraph, nodes in page.paragraphs for node in nodes]
    return render(request, "participation/draft.html", {
        **_thread_context(request, threads),
        "process": process, "page": page, "may_comment": may_comment,
        "is_latest": page.version.number == page.versions[-1].number,
        "abilities": _abilities(request, process),
    })


@login_required
@require_POST
def paragraph_comment(request: HttpRequest, pk: int) -> HttpResponse:
    paragraph = access_object(
        request, Paragraph.objects.select_related("version__process"),
        "participation.view_paragraph", pk=pk,
    )
    if previous := already_submitted(request.POST):
        return redirect(previous)
    version = paragraph.version
    back = path_for("participation:draft", slug=version.process.slug, number=version.number)
    form = CommentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        parent = None
        if data.get("parent"):
            parent = Comment.objects.filter(paragraph=paragraph, pk=data["parent"]).first()

        def action() -> str:
            comment = services.paragraph_comment_create(
                paragraph=paragraph, author=request.user, text=data["text"], parent=parent
            )
            return f"{back}#comment-{comment.pk}"

        try:
            url = submit_once(form, scope="participation.paragraph_comment", action=action)
        except services.ParticipationError as exc:
            form.add_error("text", exc.message)
            url = None
        except PermissionDenied:
            form.add_error(None, _("Comments are closed here."))
            url = None
        if url:
            return redirect(url)
    for error in [*form.non_field_errors(), *form.errors.get("text", [])]:
        messages.error(request, error)
    return redirect(f"{back}#{paragraph.anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def report_paragraph_comment(request: HttpRequest, comment_pk: int) -> HttpResponse:
    comment = access_object(
        request, Comment.objects.select_related("paragraph__version__process").filter(
            paragraph__isnull=False), "participation.report_comment", pk=comment_pk,
    )
    paragraph = comment.paragraph
    if not can(request.user, "participation.view_paragraph", paragraph):
        raise Http404
    back = (path_for("participation:draft", slug=paragraph.version.process.slug,
                     number=paragraph.version.number) + f"#comment-{comment.pk}")
    if request.method == "POST":
        if previous := already_submitted(request.POST):
            return redirect(previous)
        form = ReportForm(request.POST)
        if form.is_valid():
            def action() -> str:
                services.report_create(reporter=request.user,
                                       reason=form.cleaned_data["reason"],
                                       text=form.cleaned_data["text"], comment=comment)
                return back

            try:
                url = submit_once(form, scope="participation.report", action=action)
            except services.ParticipationError as exc:
                form.add_error(None, exc.message)
                url = None
            if url:
                messages.success(request, _("Thank you. A moderator will look at it."))
                return redirect(url)
    else:
        form = ReportForm()
    return render(request, "participation/report_form.html",
                  {"c": None, "comment": comment, "form": form, "back": back,
                   "action": path_for("participation:report_paragraph_comment",
                                      comment_pk=comment.pk)},
                  status=400 if form.errors else 200)


# -- Moderation ------------------------------------------------------------------------------


@login_required
@require_GET
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "participation.view_report", None):
        raise PermissionDenied
    reports = selectors.report_queue(municipality=request_municipality(request))
    return render(request, "participation/moderation_queue.html",
                  {"reports": reports, "form": ModerationForm()})


@login_required
@require_POST
def moderation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report_obj = access_object(request, Report.objects.select_related(
        "contribution", "comment"), "participation.view_report", pk=pk)
    form = ModerationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "hide":
                services.moderation_hide(moderator=request.user, report=report_obj,
                                         reason=data["reason"])
                messages.success(request, _("The content is hidden. The reason is shown "
                                            "publicly."))
            else:
                services.moderation_dismiss(moderator=request.user, report=report_obj,
                                            reason=data.get("reason") or "")
                messages.success(request, _("The report is dismissed."))
            return redirect(path_for("participation:moderation"))
        except services.ParticipationError as exc:
            form.add_error("reason", exc.message)
    reports = selectors.report_queue(municipality=request_municipality(request))
    return render(request, "participation/moderation_queue.html",
                  {"reports": reports, "form": form, "failed": report_obj.pk}, status=400)


# -- Meetings --------------------------------------------------------------------------------


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return access_object(request, Meeting.objects.select_related("process").prefetch_related(
        "process__phases"), "participation.view_meeting", pk=pk)


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(meeting=meeting, user=request.user).first()
    return render(request, "participation/meeting_detail.html", {
        "meeting": meeting, "process": meeting.process, "registration": registration,
        "may_register": can(request.user, "participation.register_meeting", meeting),
        "now": timezone.now(),
    })


@login_required
@require_POST
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        registration = services.registration_create(meeting=meeting, user=request.user)
        if registration.waiting:
            messages.success(request, _("The meeting is full. You are on the waiting list."))
        else:
            messages.success(request, _("You are signed up."))
    except PermissionDenied:
        messages.error(request, _("Registration for this meeting is closed."))
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if services.registration_cancel(meeting=meeting, user=request.user):
        messages.success(request, _("Your registration is cancelled."))
    return redirect(meeting.get_absolute_url())


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    response = HttpResponse(meeting_ical(meeting, request.build_absolute_uri(
        meeting.get_absolute_url())), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response

