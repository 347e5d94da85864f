from django.urls import path
from django.utils.translation import pgettext_lazy

from faelles.strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.home, name="home"),
    path(pgettext_lazy("url", "pillars/<slug:slug>/"), views.pillar_detail, name="pillar"),
    path(pgettext_lazy("url", "goals/"), views.goal_list, name="goals"),
    path(pgettext_lazy("url", "goals/<slug:slug>/"), views.goal_detail, name="goal"),
    path(pgettext_lazy("url", "initiatives/"), views.initiative_list, name="initiatives"),
    path(
        pgettext_lazy("url", "initiatives/<slug:slug>/"), views.initiative_detail,
        name="initiative",
    ),
    path(pgettext_lazy("url", "partners/"), views.partner_list, name="partners"),
    path(pgettext_lazy("url", "partners/<slug:slug>/"), views.partner_detail, name="partner"),
    path(pgettext_lazy("url", "strategies/"), views.document_list, name="documents"),
    path(pgettext_lazy("url", "strategies/<slug:slug>/"), views.document_detail, name="document"),
    path(pgettext_lazy("url", "decisions/<slug:slug>/"), views.decision_detail, name="decision"),
    path(pgettext_lazy("url", "balance/"), views.balance, name="balance"),
]
