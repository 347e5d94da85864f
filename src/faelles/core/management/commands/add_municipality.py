from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from faelles.core.models import Municipality, MunicipalityHost


class Command(BaseCommand):
    help = "Add a municipality served on a host name (or add a host to an existing one)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", required=True, action="append", help="Host name; repeatable.")
        parser.add_argument("--name", help="Name, e.g. 'Albertslund Kommune'.")
        parser.add_argument("--slug", help="Short name; default from the name.")
        parser.add_argument("--code", default="", help="Municipality code, e.g. 165.")
        parser.add_argument("--default", action="store_true", help="Serve unknown hosts too.")

    @transaction.atomic
    def handle(self, *args: Any, host: list[str], name: str | None, slug: str | None,
               code: str, default: bool, **options: Any) -> None:
        hosts = [h.strip().lower() for h in host if h.strip()]
        taken = MunicipalityHost.objects.filter(host__in=hosts).select_related("municipality")
        slug = slug or (slugify(name) if name else None)
        if not slug:
            raise CommandError("Give --name or --slug.")
        municipality = Municipality.objects.filter(slug=slug).first()
        for row in taken:
            if municipality is None or row.municipality_id != municipality.pk:
                raise CommandError(f"The host {row.host} already serves {row.municipality}.")
        if municipality is None:
            if not name:
                raise CommandError("A new municipality needs --name.")
            municipality = Municipality.objects.create(name=name, slug=slug, code=code)
            self.stdout.write(f"Created {municipality}.")
        if default:
            Municipality.objects.filter(is_default=True).exclude(pk=municipality.pk).update(
                is_default=False
            )
            municipality.is_default = True
            municipality.save(update_fields=["is_default"])
        for h in hosts:
            MunicipalityHost.objects.get_or_create(municipality=municipality, host=h)
        self.stdout.write(f"{municipality} is served on: {', '.join(hosts)}")
