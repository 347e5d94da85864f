"""Bench-only settings: the product's settings plus one fixed-string URL (never deployed).

BENCH_BARE=1 removes every middleware and serves only the fixed string: the framework floor.
BENCH_PAGECACHE=0 removes the product's whole-page cache for anonymous visitors (uncached pages).
"""

import os

from faelles.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
if os.environ.get("BENCH_BARE") == "1":
    MIDDLEWARE: list[str] = []
    ROOT_URLCONF = "bench_urls_bare"
if os.environ.get("BENCH_PAGECACHE") == "0":
    MIDDLEWARE = [m for m in MIDDLEWARE if "pagecache" not in m.lower()]
