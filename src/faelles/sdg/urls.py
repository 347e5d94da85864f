from django.urls import path
from django.utils.translation import pgettext_lazy

from faelles.sdg import views

app_name = "sdg"
urlpatterns = [
    path(pgettext_lazy("url", "sdgs/"), views.overview, name="overview"),
    path(pgettext_lazy("url", "sdgs/<int:number>/"), views.goal_detail, name="goal"),
]
