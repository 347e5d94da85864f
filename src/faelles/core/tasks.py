"""Background work shared by all apps."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *, to: list[str], subject: str, body: str, html: str = "", headers: dict | None = None
) -> None:
    """Send one e-mail from the task worker, so a slow mail server never slows a page."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@task()
def bump_generation(*, municipality_id: int) -> None:
    """Invalidate a municipality's cached pages and fragments (see `pagecache.bump`)."""
    from faelles.core import pagecache

    pagecache.bump(municipality_id)
