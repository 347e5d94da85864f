"""Load the Albertslund demo municipality. Safe to run again: it reuses what exists.

Each app may provide `faelles.<app>.demo.load(municipality=..., users=..., stdout=...)`; they run in
the order of INSTALLED_APPS. Demo passwords are random, kept in var/demo-passwords.txt (never
committed) and printed on every run.
"""

from __future__ import annotations

import importlib
import os
import secrets
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from faelles.accounts.models import Role, User
from faelles.core.models import Municipality, MunicipalityHost
from faelles.core.roles import RoleName

DEMO_USERS = [
    ("admin@albertslund.example", "Aase Administrator", RoleName.ADMIN),
    ("redaktoer@albertslund.example", "Rasmus Redaktør", RoleName.EDITOR),
    ("forloeb@albertslund.example", "Fatima Forløbsleder", RoleName.PROCESS_MANAGER),
    ("moderator@albertslund.example", "Mikkel Moderator", RoleName.MODERATOR),
    ("politiker@albertslund.example", "Pia Politiker", RoleName.POLITICIAN),
    ("borger@albertslund.example", "Bente Borger", RoleName.CITIZEN),
]


def ensure_municipality() -> Municipality:
    municipality, _ = Municipality.objects.get_or_create(
        slug="albertslund",
        defaults={
            "name": "Albertslund Kommune", "code": "165", "is_default": True,
            "contact_email": "kommunen@albertslund.dk", "contact_phone": "43 68 68 68",
            "address": "Nordmarks Allé 1, 2620 Albertslund",
            "accessibility_statement_url": "https://was.digst.dk/albertslund-dk",
            "privacy_contact": "databeskyttelse@albertslund.dk",
        },
    )
    for host in ("127.0.0.1", "localhost"):
        MunicipalityHost.objects.get_or_create(host=host, defaults={"municipality": municipality})
    return municipality


def password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-passwords.txt"


def ensure_users(municipality: Municipality) -> dict[str, User]:
    path = password_file()
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                email, password = line.split("\t", 1)
                known[email] = password
    users: dict[str, User] = {}
    for email, name, role in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None or email not in known:
            password = secrets.token_urlsafe(12)
            known[email] = password
            if user is None:
                user = User.objects.create_user(
                    email=email, password=password, name=name, email_confirmed_at=timezone.now()
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
        if role != RoleName.CITIZEN:
            Role.objects.get_or_create(user=user, municipality=municipality, role=role)
        users[str(role)] = user
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{e}\t{p}\n" for e, p in known.items()), encoding="utf-8")
    os.chmod(path, 0o600)
    return users


class Command(BaseCommand):
    help = "Load the Albertslund demo municipality (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            municipality = ensure_municipality()
            users = ensure_users(municipality)
        if "load_sdg" in _commands():
            call_command("load_sdg", verbosity=0)
        for config in apps.get_app_configs():
            if not config.name.startswith("faelles."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.load(municipality=municipality, users=users, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data for Albertslund Kommune is ready."))
        self.stdout.write("Log in at http://127.0.0.1:8000/konto/log-ind/ as:")
        known = dict(
            line.split("\t", 1)
            for line in password_file().read_text(encoding="utf-8").splitlines()
            if "\t" in line
        )
        for email, name, role in DEMO_USERS:
            self.stdout.write(f"  {role.label:<16} {email:<34} {known.get(email, '?')}   ({name})")


def _commands() -> set[str]:
    from django.core.management import get_commands

    return set(get_commands())
