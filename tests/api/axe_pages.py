"""Open-data pages for the accessibility sweep (Danish paths in the demo)."""


def pages() -> list[str]:
    return ["/aabne-data/", "/aabne-data/api/"]
