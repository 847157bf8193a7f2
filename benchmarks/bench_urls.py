"""The project's URLs plus `/bench/bare`: a constant page through the same middleware stack.

Its latency is what any page costs before it touches the database or a template; the catalogue's and
the API's figures are reported as multiples of it.
"""

import os

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from scenariohub.urls import urlpatterns as project_urlpatterns

BARE_PAGE = (
    "<!doctype html><html lang=zh-hans><head><meta charset=utf-8><title>bare</title></head>"
    "<body><p>场景通 benchmark: a constant page.</p></body></html>"
)


@require_GET
def bare(request):
    return HttpResponse(BARE_PAGE)


if os.environ.get("BENCH_PROPOSED"):
    # `catalogue_bench.py --proposed`: measure with the changes proposed in benchmarks/proposed.py.
    from benchmarks import proposed

    proposed.patch_selectors()

urlpatterns = [path("bench/bare", bare, name="bench-bare"), *project_urlpatterns]
