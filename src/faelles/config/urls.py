"""URL wiring only. Danish pages at /, English under /en/ (i18n_patterns without a prefix for
the default language); each app owns its URLs."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("api/", include("faelles.api.urls")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("faelles.accounts.urls")),
    path("", include("faelles.core.urls")),
    path("", include("faelles.sdg.urls")),
    path("", include("faelles.indicators.urls")),
    path("", include("faelles.participation.urls")),
    path("", include("faelles.feedback.urls")),
    path("", include("faelles.reports.urls")),
    path("", include("faelles.api.page_urls")),
    path("", include("faelles.search.urls")),
    path("", include("faelles.strategy.urls")),
    prefix_default_language=False,
)

if not settings.PRODUCTION:
    # In production the reverse proxy serves media (docs/deploy.md).
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "faelles.core.views.page_not_found"
handler403 = "faelles.core.views.permission_denied"
handler500 = "faelles.core.views.server_error"
