from django.urls import path
from django.utils.translation import pgettext_lazy

from faelles.feedback import views

app_name = "feedback"
urlpatterns = [
    path(pgettext_lazy("url", "trace/contribution/<int:pk>/"), views.trace, name="trace"),
    path(pgettext_lazy("url", "trace/decision/<slug:slug>/"), views.trace_decision,
         name="trace_decision"),
    path(pgettext_lazy("url", "trace/initiative/<slug:slug>/"), views.trace_initiative,
         name="trace_initiative"),
    path(pgettext_lazy("url", "trace/goal/<slug:slug>/"), views.trace_goal, name="trace_goal"),
    path(pgettext_lazy("url", "my-contributions/"), views.my_contributions,
         name="my_contributions"),
    path(pgettext_lazy("url", "notifications/"), views.notifications, name="notifications"),
    path(pgettext_lazy("url", "notifications/settings/"), views.notification_settings,
         name="settings"),
    path(pgettext_lazy("url", "unsubscribe/<str:token>/"), views.unsubscribe, name="unsubscribe"),
    path(pgettext_lazy("url", "follow/"), views.follow_toggle, name="follow"),
    path(pgettext_lazy("url", "hearing-memo/<slug:slug>/"), views.memo, name="memo"),
    path(pgettext_lazy("url", "hearing-memo/<slug:slug>/internal/"), views.memo_internal,
         name="memo_internal"),
    path(pgettext_lazy("url", "responders/<slug:slug>/"), views.responders, name="responders"),
    path(pgettext_lazy("url", "case-file/<slug:slug>/"), views.case_export, name="case_export"),
    path(pgettext_lazy("url", "figures/"), views.figures, name="figures"),
    path(pgettext_lazy("url", "figures/<slug:slug>/"), views.figures_process,
         name="figures_process"),
    path(pgettext_lazy("url", "politicians/"), views.politician_overview, name="politicians"),
    path(pgettext_lazy("url", "answers/<slug:slug>/"), views.answer_process,
         name="answer_process"),
    path(pgettext_lazy("url", "answers/contribution/<int:pk>/"), views.answer_contribution,
         name="answer_contribution"),
]
