"""Settings for `make bench` only: production-like (DEBUG off) plus the bench-only floor endpoints."""

from civicloop.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "civicloop.matching.bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
