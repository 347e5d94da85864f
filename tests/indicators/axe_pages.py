"""Indicator pages for the accessibility sweep (Danish paths in the demo data)."""

from __future__ import annotations


def pages() -> list[str]:
    return [
        "/data/",  # reporting status page: stacked bar charts and tables
        "/data/co2-udledning/",  # real data with a target, a projection and a source break
        "/data/tryghed/?Bydel=Albertslund+Syd",  # a breakdown chosen in the filter form
        "/data/anmeldte-forbrydelser/",  # quarterly data
        "/data/cykeltrafik/",  # no data yet
    ]
