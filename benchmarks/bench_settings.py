"""Settings for the benchmark server: the project's own, plus a bare page to compare against.

DEBUG is off so that Django does not record every query (it would slow the pages being measured), and
the request log is quiet so that logging does not either.
"""

import warnings

from scenariohub.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "benchmarks.bench_urls"
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405

# Static files are not collected for a benchmark; WhiteNoise's reminder about it is noise here.
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")

# The benchmark's client is one address asking hundreds of searches a minute: the per-address search limit
# (scenariohub.core.ratelimit) would answer most of them with a fast 429 and hide the latency measured here.
SCENARIOHUB_RATE_LIMITS_ENABLED = False
