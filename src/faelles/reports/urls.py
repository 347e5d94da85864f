from django.urls import path
from django.utils.translation import pgettext_lazy

from faelles.reports import views

app_name = "reports"
urlpatterns = [
    path(pgettext_lazy("url", "reports/"), views.edition_list, name="list"),
    path(pgettext_lazy("url", "reports/new/"), views.edition_create, name="create"),
    path(pgettext_lazy("url", "reports/<int:year>/"), views.edition_detail, name="edition"),
    path(
        pgettext_lazy("url", "reports/<int:year>/report-<slug:lang>.pdf"), views.edition_pdf,
        name="pdf",
    ),
    path(
        pgettext_lazy("url", "reports/<int:year>/report-<slug:lang>.html"), views.edition_html,
        name="html",
    ),
    path(pgettext_lazy("url", "reports/<int:year>/status/"), views.edition_status,
         name="status"),
    path(pgettext_lazy("url", "reports/<int:year>/generate/"), views.edition_generate,
         name="generate"),
    path(pgettext_lazy("url", "reports/<int:year>/publish/"), views.edition_publish,
         name="publish"),
]
