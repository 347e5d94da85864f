from django.urls import path
from django.utils.translation import pgettext_lazy

from faelles.indicators import views

app_name = "indicators"
urlpatterns = [
    path(pgettext_lazy("url", "data/"), views.index, name="index"),
    path(pgettext_lazy("url", "data/<slug:slug>/"), views.detail, name="detail"),
    path(
        pgettext_lazy("url", "data/<slug:slug>/download.csv"), views.download,
        {"fmt": "csv"}, name="download_csv",
    ),
    path(
        pgettext_lazy("url", "data/<slug:slug>/download.json"), views.download,
        {"fmt": "json"}, name="download_json",
    ),
]
