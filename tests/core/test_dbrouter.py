"""Read replicas (faelles.core.dbrouter): only safe requests read from a replica, and never what
a request just wrote, what a visitor wrote a moment ago, or what goes into the shared cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from faelles.core import dbrouter, pagecache
from faelles.participation.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def router() -> dbrouter.PrimaryReplicaRouter:
    r = dbrouter.PrimaryReplicaRouter()
    r.replicas = ["replica1", "replica2"]
    return r


def _through_middleware(router: Any, request: Any, body: Any) -> tuple[list[str], Any]:
    seen: list[str] = []

    def view(req: Any) -> HttpResponse:
        body(seen)
        return HttpResponse("ok")

    response = dbrouter.ReplicaReadsMiddleware(view)(request)
    return seen, response


def test_outside_requests_everything_reads_the_primary(router):
    # Management commands, the worker and the scheduler read what they just wrote.
    assert router.db_for_read(Contribution) == "default"
    assert router.db_for_write(Contribution) == "default"
    assert router.allow_migrate("default", "participation")
    assert not router.allow_migrate("replica1", "participation")


# Outside a test's wrapping transaction: reads inside a transaction stay on the primary.
@pytest.mark.django_db(transaction=True)
def test_safe_requests_read_a_replica_until_they_write(router):
    rf = RequestFactory()

    def body(seen):
        seen.append(router.db_for_read(Contribution))
        with transaction.atomic():
            seen.append(router.db_for_read(Contribution))  # inside a transaction
        with dbrouter.primary_reads():
            seen.append(router.db_for_read(Contribution))  # a value for the shared cache
        seen.append(router.db_for_read(Contribution))
        seen.append(router.db_for_write(Contribution))
        seen.append(router.db_for_read(Contribution))  # reads what it wrote

    seen, response = _through_middleware(router, rf.get("/deltag/"), body)
    assert seen[0] in router.replicas and seen[3] in router.replicas
    assert seen[1:3] == ["default", "default"] and seen[4:] == ["default", "default"]
    assert dbrouter.PIN_COOKIE not in response.cookies
    # Nothing leaks into the next request or out of the request.
    assert router.db_for_read(Contribution) == "default"


def test_after_a_post_the_visitor_reads_the_primary_for_a_while(router, settings):
    rf = RequestFactory()
    settings.REPLICA_PIN_SECONDS = 7
    seen, response = _through_middleware(
        router, rf.post("/deltag/bidrag/1/stoet/"),
        lambda seen: seen.append(router.db_for_read(Contribution)))
    assert seen == ["default"]
    cookie = response.cookies[dbrouter.PIN_COOKIE]
    assert cookie["max-age"] == 7 and cookie["httponly"] and cookie["samesite"] == "Lax"
    pinned = rf.get("/deltag/bidrag/1/")
    pinned.COOKIES[dbrouter.PIN_COOKIE] = "1"
    seen, _ = _through_middleware(router, pinned,
                                  lambda seen: seen.append(router.db_for_read(Contribution)))
    assert seen == ["default"]


@pytest.mark.django_db(transaction=True)
def test_cached_fragments_are_read_from_the_primary(router, municipality):
    rf = RequestFactory()

    def body(seen):
        pagecache.fragment("test:replica", municipality.pk,
                           lambda: seen.append(router.db_for_read(Contribution)))
        seen.append(router.db_for_read(Contribution))

    seen, _ = _through_middleware(router, rf.get("/"), body)
    assert seen[0] == "default" and seen[1] in router.replicas


def test_settings_add_replicas_router_and_middleware_only_when_configured(tmp_path):
    code = ("import json, django; from django.conf import settings; django.setup();"
            "print(json.dumps([sorted(settings.DATABASES), settings.DATABASE_ROUTERS,"
            " [m for m in settings.MIDDLEWARE if 'dbrouter' in m]]))")

    def run(**env: str) -> Any:
        environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "faelles.config.settings",
                   "FAELLES_VAR_DIR": str(tmp_path), **env}
        environ.pop("DATABASE_URL", None)
        out = subprocess.run([sys.executable, "-c", code], env=environ, check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    assert run() == [["default"], [], []]
    replicas = run(DATABASE_URL="postgres://app@db1:5432/faelles",
                   DATABASE_REPLICA_URLS="postgres://app@db2:5432/faelles,"
                                         "postgres://app@db3:5432/faelles")
    assert replicas == [["default", "replica1", "replica2"],
                        ["faelles.core.dbrouter.PrimaryReplicaRouter"],
                        ["faelles.core.dbrouter.ReplicaReadsMiddleware"]]
