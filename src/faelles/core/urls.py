from django.urls import path
from django.utils.translation import pgettext_lazy

from faelles.core import views

app_name = "core"
urlpatterns = [
    path(pgettext_lazy("url", "privacy/"), views.privacy, name="privacy"),
    path(pgettext_lazy("url", "contact/"), views.contact, name="contact"),
    path(pgettext_lazy("url", "about/"), views.about, name="about"),
]
