"""Snowball stemming for the SQLite index (PostgreSQL stems with its own `danish` config)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)
_STEMMERS = {"da": "danish", "en": "english"}


@cache
def _stemmer(lang: str) -> Any:
    return snowballstemmer.stemmer(_STEMMERS.get(lang, "danish"))


def stem_words(text: str, lang: str) -> list[str]:
    return _stemmer(lang).stemWords(WORD.findall(text.lower()))
