"""Settings of the consultation benchmark: the project's, with a URL map that adds cached
copies of the two measured pages (the reference)."""

from opengov.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False
OPENGOV_RATE_LIMITS_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
