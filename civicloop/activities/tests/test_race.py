from __future__ import annotations

import threading

import pytest
from django.db import connection

from civicloop.activities import services
from civicloop.activities.models import ActivityRole, Signup
from civicloop.activities.tests.helpers import make_activity, make_volunteer
from civicloop.core.exceptions import Conflict


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_signups_fill_exactly_ten(personas):
    activity = make_activity(personas, quota=10)
    volunteers = [make_volunteer(personas.station) for _ in range(50)]
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def sign_up(volunteer) -> None:
        try:
            barrier.wait()
            services.signup_create(activity=activity, volunteer=volunteer)
            result = "ok"
        except Conflict:
            result = "full"
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=sign_up, args=(v,)) for v in volunteers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 10, outcomes
    assert outcomes.count("full") == 40, outcomes
    assert Signup.objects.filter(activity=activity, status="approved").count() == 10
    assert ActivityRole.objects.get(activity=activity).filled == 10
