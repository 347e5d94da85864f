from django.urls import path
from django.utils.translation import pgettext_lazy

from faelles.participation import views

app_name = "participation"
urlpatterns = [
    path(pgettext_lazy("url", "participate/"), views.process_list, name="processes"),
    path(pgettext_lazy("url", "participate/contribution/<int:pk>/"), views.contribution_detail,
         name="contribution"),
    path(pgettext_lazy("url", "participate/contribution/<int:pk>/support/"), views.support,
         name="support"),
    path(pgettext_lazy("url", "participate/contribution/<int:pk>/comment/"),
         views.comment_create, name="comment"),
    path(pgettext_lazy("url", "participate/contribution/<int:pk>/edit/"),
         views.contribution_edit, name="edit"),
    path(pgettext_lazy("url", "participate/contribution/<int:pk>/withdraw/"),
         views.contribution_withdraw, name="withdraw"),
    path(pgettext_lazy("url", "participate/contribution/<int:pk>/report/"), views.report,
         name="report"),
    path(pgettext_lazy("url", "participate/contribution/<int:pk>/report/<int:comment_pk>/"),
         views.report, name="report_comment"),
    path(pgettext_lazy("url", "participate/meeting/<int:pk>/"), views.meeting_detail,
         name="meeting"),
    path(pgettext_lazy("url", "participate/meeting/<int:pk>/register/"),
         views.meeting_register, name="meeting_register"),
    path(pgettext_lazy("url", "participate/meeting/<int:pk>/cancel/"), views.meeting_cancel,
         name="meeting_cancel"),
    path(pgettext_lazy("url", "participate/meeting/<int:pk>/calendar.ics"), views.meeting_ics,
         name="meeting_ics"),
    path(pgettext_lazy("url", "participate/moderation/"), views.moderation_queue,
         name="moderation"),
    path(pgettext_lazy("url", "participate/moderation/<int:pk>/"), views.moderation_decide,
         name="moderation_decide"),
    path(pgettext_lazy("url", "participate/<slug:slug>/"), views.process_detail, name="process"),
    path(pgettext_lazy("url", "participate/<slug:slug>/contributions/"),
         views.contribution_list, name="contributions"),
    path(pgettext_lazy("url", "participate/<slug:slug>/new/"), views.contribution_create,
         name="create"),
    path(pgettext_lazy("url", "participate/<slug:slug>/similar/"), views.similar,
         name="similar"),
]
