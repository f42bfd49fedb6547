"""Back office: orders, whistles, deadlines and notifications are read-only and scoped; a unit's deadlines and
auto-dispatch are set through one audited service; API tokens are issued through a service with an audit row."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from civicloop.audit.models import AuditEvent
from civicloop.notify.models import Notification
from civicloop.orders import services
from civicloop.orders.models import Order, UnitDeadlines
from civicloop.orders.tests.factories import submit
from civicloop.people.models import ApiToken
from civicloop.people.services import api_token_issue

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_order_admin_is_scoped_and_read_only(personas):
    mine = submit(personas)
    user = personas.sibling
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_order", "change_order"]))
    admin = site._registry[Order]
    request = _request(type(user).objects.get(pk=user.pk))
    assert mine not in admin.get_queryset(request)  # another station's order does not exist here
    assert not admin.has_change_permission(request, None)
    assert not admin.has_add_permission(request)
    assert not admin.has_delete_permission(request, None)


def test_unit_deadlines_and_notifications_admins_are_read_only():
    for model in (UnitDeadlines, Notification):
        admin = site._registry[model]
        request = _request(type("U", (), {"is_superuser": True, "is_active": True, "is_staff": True})())
        assert not admin.has_add_permission(request)
        assert not admin.has_change_permission(request, None)


def test_deadlines_set_through_the_service_and_inherited(personas):
    common = {"auto_dispatch_hours": 6, "auto_rating_days": 7}
    row = services.unit_settings_update(
        actor=personas.institute_staff,
        unit=personas.institute,
        review_hours=12,
        claim_hours=24,
        complete_hours=72,
        auto_dispatch=True,
        **common,
    )
    assert (row.review_hours, row.auto_dispatch) == (12, True)
    assert services.deadlines_for(personas.station)["review"] == 12  # the station inherits
    assert AuditEvent.objects.filter(action="unit_settings_update", actor=personas.institute_staff).count() == 1
    with pytest.raises(PermissionDenied):
        services.unit_settings_update(
            actor=personas.station_staff, unit=personas.institute, review_hours=1, claim_hours=1,
            complete_hours=1, auto_dispatch=False, **common,
        )
    with pytest.raises(ValidationError):
        services.unit_settings_update(
            actor=personas.institute_staff, unit=personas.institute, review_hours="x", claim_hours=1,
            complete_hours=1, auto_dispatch=False, **common,
        )
    assert UnitDeadlines.objects.get(unit=personas.institute).review_hours == 12  # refused calls wrote nothing


def test_token_issue_is_audited_without_the_token(personas):
    token, _expires = api_token_issue(user=personas.volunteer)
    assert ApiToken.objects.filter(user=personas.volunteer).count() == 1
    event = AuditEvent.objects.get(action="people.token_issue", actor=personas.volunteer)
    assert token not in event.detail
