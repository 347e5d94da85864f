from django.contrib.admin.apps import AdminConfig


class FaellesAdminConfig(AdminConfig):
    """Django's admin with Fælles' site: branded, Danish, limited per role and municipality."""

    default_site = "faelles.core.admin_site.FaellesAdminSite"
