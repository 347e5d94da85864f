"""Hearing memo PDF, responder list and the case-filing ZIP (journalisering)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from faelles.feedback import selectors
from faelles.participation.models import Process


def html_to_pdf(html: str, base_url: str = "") -> bytes:
    """PDF through WeasyPrint (pure Python + Pango; installed with the project)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url or None).write_pdf()


def memo_html(*, process: Process, internal: bool, request: Any = None) -> str:
    memo = selectors.hearing_memo(process=process, internal=internal)
    return render_to_string("feedback/memo_print.html",
                            {"memo": memo, "internal": internal, "generated": timezone.now()},
                            request=None)


def memo_pdf(*, process: Process, internal: bool) -> bytes:
    return html_to_pdf(memo_html(process=process, internal=internal))


def responder_rows(memo: selectors.Memo, *, internal: bool) -> list[dict[str, Any]]:
    rows = []
    for e in memo.entries:
        rows.append({
            "number": e.number,
            "name": e.internal_name if internal else e.name,
            "name_published": e.contribution.publish_name,
            "organisation": e.organisation,
            "address": e.address,
            "received": timezone.localtime(e.contribution.created_at).isoformat(),
        })
    return rows


def response_rows(memo: selectors.Memo, *, internal: bool) -> list[dict[str, Any]]:
    rows = []
    for e in memo.entries:
        rows.append({
            "number": e.number,
            "contribution_id": e.contribution.pk,
            "name": e.internal_name if internal else e.name,
            "organisation": e.organisation,
            "received": timezone.localtime(e.contribution.created_at).isoformat(),
            "title": e.contribution.title,
            "text": e.text,
            "hidden_by_moderator": e.is_hidden,
            "redacted_in_public": e.redacted,
            "status": e.status.name if e.status else "",
            "answer": e.answer.text if e.answer else "",
            "answered": e.answer.published_at.isoformat() if e.answer else "",
            "changes": [{"document": o.title, "change": o.change, "explanation": o.explanation}
                        for o in e.changes],
            "outcomes": [{"kind": o.kind, "title": o.title, "explanation": o.explanation}
                         for o in e.other_outcomes],
        })
    return rows


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                             for k, v in row.items()})
    # BOM so Excel opens Danish letters correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def case_zip(*, process: Process) -> bytes:
    """Everything a case handler files (internal: names as received, protected addresses
    never): responses, memo, responder list and the case number, as PDF, CSV and JSON."""
    memo = selectors.hearing_memo(process=process, internal=True)
    responses = response_rows(memo, internal=True)
    responders = responder_rows(memo, internal=True)
    case_number = memo.case.case_number if memo.case else ""
    manifest = {
        "process": process.title, "process_id": process.pk, "case_number": case_number,
        "generated": timezone.now().isoformat(), "responses": memo.total,
        "files": ["case.json", "responses.csv", "responses.json", "responders.csv",
                  "responders.json", "hearing-memo.pdf", "responses.pdf"],
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("case.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        z.writestr("responses.csv", _csv(responses))
        z.writestr("responses.json", json.dumps(responses, ensure_ascii=False, indent=2))
        z.writestr("responders.csv", _csv(responders))
        z.writestr("responders.json", json.dumps(responders, ensure_ascii=False, indent=2))
        z.writestr("hearing-memo.pdf", memo_pdf(process=process, internal=True))
        z.writestr("responses.pdf", html_to_pdf(render_to_string(
            "feedback/responses_print.html",
            {"memo": memo, "case_number": case_number, "generated": timezone.now(),
             "title": _("Hearing responses")})))
    return buf.getvalue()
