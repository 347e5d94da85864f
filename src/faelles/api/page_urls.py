"""The open data page and the API docs page: ordinary site pages in both languages."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from faelles.api import views

app_name = "opendata"

urlpatterns = [
    path(pgettext_lazy("url", "open-data/"), views.open_data, name="index"),
    path(pgettext_lazy("url", "open-data/api/"), views.api_docs, name="api-docs"),
]
