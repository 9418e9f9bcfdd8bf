"""Settings for the test suite: the real PostgreSQL and Redis when DATABASE_URL / REDIS_URL say so."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")
os.environ.setdefault("HTTPS", "false")


def _redis_of_worker(url: str, worker: str) -> str:
    """`make test` runs the suite in parallel workers (pytest-xdist: gw0, gw1 …), each with a test database of its
    own; each gets a Redis database of its own too (the configured one, then the next ones), so one worker's broker
    queues, cache entries and limits never meet another's."""
    base, _, number = url.rpartition("/")
    if not (worker.startswith("gw") and worker[2:].isdigit() and number.isdigit() and base.startswith("redis")):
        return url
    return f"{base}/{(int(number) + int(worker[2:])) % 16}"


if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_URL"] = _redis_of_worker(os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"])

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, env_bool  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"
# Tests run tasks in-process, except the worker that the Celery integration test starts with this set to false.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
WHITENOISE_USE_FINDERS = True
# The suite runs in one process (the browser tests' live server is a thread of it) and clears the cache between
# tests: local memory, so that clearing never flushes the Redis database Celery's broker shares. The production
# setting (Redis with REDIS_URL) is tested in tests/reports/test_limits.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WHITENOISE_AUTOREFRESH = True
