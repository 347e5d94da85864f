"""Pages of the trust work for the axe sweep (tests/browser/test_accessibility.py)."""


def pages() -> list[str]:
    return []  # /privatliv/ is already a foundation page


LOGIN_PAGES = ["/konto/mine-data/", "/konto/mine-data/oversigt/", "/konto/samtykke/",
               "/konto/slet/"]
