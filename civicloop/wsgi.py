import contextlib
import ctypes
import os
import sys

from django.core.wsgi import get_wsgi_application

M_ARENA_MAX = -8  # glibc's mallopt() parameter number


def _fewer_malloc_arenas() -> None:
    """Cap glibc's malloc arenas at two per process, as MALLOC_ARENA_MAX=2 would (issue #19: ≤ 100 MB per worker).

    glibc gives each thread that allocates its own arena, up to eight per core, and a gthread worker's request
    threads each keep theirs filled: under the bench a worker peaked 3 MB higher without the cap. A worker loads
    this module before its threads start, so the cap covers them all. An explicit MALLOC_ARENA_MAX wins; another
    C library (musl, macOS) has no such parameter and is left alone."""
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)


_fewer_malloc_arenas()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.settings")
application = get_wsgi_application()
