"""Only /bench/fixed/: with BENCH_BARE=1 there is no middleware at all."""

from bench_urls import fixed
from django.urls import path

urlpatterns = [path("bench/fixed/", fixed)]
