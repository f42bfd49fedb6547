"""The order hall can put the orders that fit the viewing team best first, and says why."""

from __future__ import annotations

from django.urls import reverse

from civicloop.orders import services
from civicloop.orders.tests.factories import submit


def _open(personas, title: str, lat: float, lng: float):
    order = submit(personas, title=title, lat=lat, lng=lng)
    services.order_publish(actor=personas.station_staff, order=order)
    return order


def test_best_fit_first_puts_the_nearer_order_first_with_its_reasons(client, personas):
    near = _open(personas, "楼下的需求", 40.631, 109.811)
    far = _open(personas, "远处的需求", 40.95, 110.30)  # ~45 km from the team's station, and newer
    client.force_login(personas.leader)
    urgent = client.get(reverse("orders:hall")).content.decode()
    assert urgent.index(far.title) < urgent.index(near.title)  # the newer order first by default
    fit = client.get(reverse("orders:hall"), {"sort": "fit"}).content.decode()
    assert fit.index(near.title) < fit.index(far.title)
    assert "km" in fit and 'value="fit" selected' in fit


def test_fit_sort_keeps_the_query_count_flat(client, personas, django_assert_max_num_queries):
    for i in range(12):
        _open(personas, f"需求{i}", 40.6 + i / 100, 109.8)
    client.force_login(personas.leader)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("orders:hall"), {"sort": "fit"}).status_code == 200


def test_an_order_whose_wanted_time_has_passed_is_never_called_a_good_time(client, personas):
    import datetime as dt

    from django.utils import timezone

    from civicloop.matching.models import TeamIndex
    from civicloop.orders.models import Order

    # the team is free at every slot of the week, so any wanted time would overlap its availability
    TeamIndex.objects.create(team=personas.team, cell=0, lat=40.63, lng=109.81, categories=["health"],
                             avail_mask=(1 << 31) - 1)
    # tomorrow at 10:00 local, inside a day part whatever time the suite runs (22:00–06:00 belongs to none)
    soon = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    coming = submit(personas, title="明天的需求", wanted_from=soon, wanted_to=soon + dt.timedelta(hours=3))
    past = submit(personas, title="昨天的需求", wanted_from=soon, wanted_to=soon + dt.timedelta(hours=3))
    for order in (coming, past):
        services.order_publish(actor=personas.station_staff, order=order)
    # the resident's slot went by while the order waited in the hall (history written directly)
    Order.objects.filter(pk=past.pk).update(wanted_from=soon - dt.timedelta(days=2),
                                             wanted_to=soon - dt.timedelta(days=2) + dt.timedelta(hours=3))
    client.force_login(personas.leader)
    page = client.get(reverse("orders:hall"), {"sort": "fit"}).content.decode()
    row = lambda o: page.split(f'id="hall-{o.number}"')[1].split("</li>")[0]  # noqa: E731
    assert "时间合适" in row(coming)
    assert "时间合适" not in row(past) and "期望时间已过" in row(past)
    assert page.index(coming.title) < page.index(past.title)  # the passed one fits worse
