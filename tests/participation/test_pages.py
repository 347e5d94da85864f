"""The pages through real HTTP requests, with query counts pinned."""

from __future__ import annotations

import pytest

from faelles.participation import services

pytestmark = pytest.mark.django_db


def test_pages_render_for_anonymous_and_citizen(client_for, process, make_contribution,
                                               citizen, meeting):
    c = make_contribution()
    services.comment_create(contribution=c, author=citizen, text="Godt forslag!")
    for client in (client_for(None), client_for(citizen)):
        for path in ("/deltag/", f"/deltag/{process.slug}/", f"/deltag/{process.slug}/bidrag/",
                     f"/deltag/bidrag/{c.pk}/", f"/deltag/moeder/{meeting.pk}/",
                     f"/en/participate/{process.slug}/"):
            response = client.get(path)
            assert response.status_code == 200, path
    page = client_for(citizen).get(f"/deltag/bidrag/{c.pk}/").content.decode()
    assert "Godt forslag!" in page
    assert client_for(citizen).get(f"/deltag/{process.slug}/nyt-bidrag/").status_code == 200
