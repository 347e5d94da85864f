"""Translation catalogues without GNU gettext: Babel extracts, updates and compiles.

faelles messages extract   # update every app's da/en .po files from code and templates
faelles messages compile   # write the .mo files (also run by `make`)
faelles messages check     # fail if a Danish entry is missing, fuzzy or a .mo is stale
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ROOT = Path(settings.BASE_DIR)
LANGS = [code for code, _name in settings.LANGUAGES]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
METHODS = [
    ("**/migrations/**", "ignore"),
    ("**/locale/**", "ignore"),
    ("**.py", "python"),
    ("**/jinja2/**.html", "jinja2"),
    ("**/jinja2/**.txt", "jinja2"),
]
OPTIONS = {
    "**/jinja2/**.html": {
        "extensions": "jinja2.ext.i18n,jinja2.ext.do",
        "newstyle_gettext": "true",
    },
    "**/jinja2/**.txt": {"extensions": "jinja2.ext.i18n,jinja2.ext.do", "newstyle_gettext": "true"},
}


def app_dirs() -> list[Path]:
    return sorted(p for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def extract(app_dir: Path) -> Catalog:
    template = Catalog(project="faelles", charset="utf-8")
    for filename, lineno, message, comments, context, *_rest in extract_from_dir(
        str(app_dir), METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(app_dir: Path, lang: str) -> Path:
    return app_dir / "locale" / lang / "LC_MESSAGES" / "django.po"


def load(path: Path, lang: str) -> Catalog:
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=lang)
    return Catalog(locale=lang, project="faelles", charset="utf-8")


def save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=True)
    path.write_bytes(buf.getvalue())


def compile_catalog(path: Path) -> bytes:
    with path.open("rb") as fh:
        catalog = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


class Command(BaseCommand):
    help = "Extract, compile or check translation catalogues (Babel; no gettext tools needed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["extract", "compile", "check"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"do_{action}")()

    def do_extract(self) -> None:
        for app_dir in app_dirs():
            template = extract(app_dir)
            if not len(template):
                continue
            for lang in LANGS:
                path = po_path(app_dir, lang)
                catalog = load(path, lang)
                catalog.update(template, no_fuzzy_matching=True)
                if lang == "en":
                    # Source strings are English: the English catalogue translates to itself.
                    for message in catalog:
                        if message.id and not message.string:
                            message.string = message.id
                save(catalog, path)
            self.stdout.write(f"{app_dir.name}: {len(template)} messages")

    def do_compile(self) -> None:
        count = 0
        for app_dir in app_dirs():
            for lang in LANGS:
                path = po_path(app_dir, lang)
                if path.exists():
                    path.with_suffix(".mo").write_bytes(compile_catalog(path))
                    count += 1
        self.stdout.write(f"Compiled {count} catalogues.")

    def do_check(self) -> None:
        problems: list[str] = []
        for app_dir in app_dirs():
            template = extract(app_dir)
            for lang in LANGS:
                path = po_path(app_dir, lang)
                if not len(template):
                    continue
                catalog = load(path, lang)
                for message in template:
                    if not message.id:
                        continue
                    entry = catalog.get(message.id, context=message.context)
                    if entry is None:
                        problems.append(f"{path}: missing {message.id!r}")
                    elif entry.fuzzy or not (
                        entry.string if isinstance(entry.string, str) else all(entry.string)
                    ):
                        problems.append(f"{path}: untranslated {message.id!r}")
                mo = path.with_suffix(".mo")
                if path.exists() and (not mo.exists() or mo.read_bytes() != compile_catalog(path)):
                    problems.append(f"{mo}: out of date; run `faelles messages compile`")
        if problems:
            raise CommandError("\n".join(problems[:200]) + f"\n{len(problems)} problem(s).")
        self.stdout.write("All catalogues complete.")
