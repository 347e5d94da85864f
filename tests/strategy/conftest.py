from __future__ import annotations

import io
from typing import Any

import pytest

from faelles.core.models import Municipality
from faelles.search.services import search_reindex
from faelles.strategy import demo


@pytest.fixture
def demo_data(municipality: Municipality) -> Municipality:
    demo.load(municipality=municipality, users={}, stdout=io.StringIO())
    search_reindex()
    return municipality


@pytest.fixture
def editor(make_user: Any, municipality: Municipality) -> Any:
    return make_user(roles=("editor",), municipality=municipality)
