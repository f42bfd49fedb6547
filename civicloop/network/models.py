"""The practice network: the unit tree (centre → institute → station → point) and who works where."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

from civicloop.core.fields import PathField
from civicloop.core.models import WorkflowEvent
from civicloop.core.validators import validate_latitude, validate_longitude


class Unit(MP_Node):
    """A node of the network. Materialised paths keep subtree queries an indexed prefix scan at any size."""

    class Level(models.TextChoices):
        CENTER = "center", _("Practice centre")
        INSTITUTE = "institute", _("Practice institute")
        STATION = "station", _("Practice station")
        POINT = "point", _("Practice point")

    class Kind(models.TextChoices):
        PRACTICE = "practice", _("Practice unit")
        DEPARTMENT = "department", _("Department")
        SOCIAL_ORG = "social_org", _("Social organisation")
        VENUE = "venue", _("Venue")

    steplen = 4
    node_order_by: list[str] = []

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRACTICE)
    division_code = models.CharField(
        _("administrative division code"), max_length=12, blank=True, db_index=True
    )
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True, validators=[validate_latitude])
    lng = models.FloatField(_("longitude"), null=True, blank=True, validators=[validate_longitude])
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["level", "path"], name="unit_level_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_practice(self) -> bool:
        return self.kind == self.Kind.PRACTICE

    @classmethod
    def paths_above(cls, path: str, *, include_self: bool = True) -> list[str]:
        """The paths of the units above a unit path, root first (and the path itself unless told not to)."""
        end = len(path) + (1 if include_self else 0)
        return [path[:i] for i in range(cls.steplen, end, cls.steplen)]

    def ancestor_paths(self, *, include_self: bool = True) -> list[str]:
        """This unit's ancestors' paths, root first (and its own unless told not to): one `path__in` lookup."""
        return self.paths_above(self.path, include_self=include_self)

    def subtree_q(self, field: str = "path") -> models.Q:
        """Q for rows whose unit path lies in this unit's subtree (this unit included)."""
        return models.Q(**{f"{field}__startswith": self.path})


class Membership(models.Model):
    """A person's role at a unit. Staff of a unit act on its whole subtree; staff of the root are the office."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Unit staff")
        LIAISON = "liaison", _("Department liaison")
        AUDITOR = "auditor", _("Auditor")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit} ({self.get_role_display()})"


class Venue(models.Model):
    """阵地叠加整合: a place the practice network shares with other services (a 党群服务中心, 融媒体中心,
    综合文化站...), hosted by one unit and shared with others; its rooms are booked without conflicts."""

    class Kind(models.TextChoices):
        PRACTICE = "practice", _("Practice centre, institute or station")
        PARTY_SERVICE = "party_service", _("Party and public service centre")
        MEDIA = "media", _("Integrated media centre")
        GOV_SERVICE = "gov_service", _("Government service centre")
        CULTURE_STATION = "culture_station", _("Comprehensive culture station")
        CREATIVE_PARK = "creative_park", _("Cultural and creative park")
        OTHER = "other", _("Other venue")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.PRACTICE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="venues", verbose_name=_("host unit"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    shared_with = models.ManyToManyField(
        Unit, blank=True, related_name="shared_venues", verbose_name=_("units sharing it")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/network/venues/{self.pk}/"


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("venue"))
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("seats"), default=20)
    equipment = models.CharField(_("equipment"), max_length=300, blank=True)
    opens_at = models.TimeField(_("opens at"), default=dt.time(8, 30))
    closes_at = models.TimeField(_("closes at"), default=dt.time(21, 0))
    # ISO weekdays (1 = Monday) the room is open.
    open_days = models.JSONField(_("open on"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return f"{self.venue.name} · {self.name}"

    def get_absolute_url(self) -> str:
        return f"/network/rooms/{self.pk}/"


class Booking(models.Model):
    """A room booked for a time range by a unit or a team. Two confirmed bookings of one room never overlap:
    a PostgreSQL exclusion constraint (migration 0004) and, on SQLite, a check inside the IMMEDIATE write
    transaction (civicloop.network.services.booking_create)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Booking confirmed")
        CANCELLED = "cancelled", pgettext_lazy("booking", "Cancelled")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("room"))
    unit_path = PathField(max_length=255, db_index=True, editable=False)  # the venue's host unit
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    title = models.CharField(_("what for"), max_length=100)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("booking unit")
    )
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings",
        verbose_name=_("booking team"),
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["room", "starts_at"], name="booking_room_start")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.room_id} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingEvent(WorkflowEvent):
    """One row per step of a booking's workflow: its timeline (booked, cancelled)."""

    subject = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class Place(models.Model):
    """全域化: an administrative place of the district — a town or street (乡镇/街道), or a village or community
    (村/社区) under it — and the practice unit that covers it (its 所 or 站), if any. Coverage is read from here."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Town")
        STREET = "street", _("Street")
        VILLAGE = "village", _("Village")
        COMMUNITY = "community", _("Community")

    code = models.CharField(_("administrative division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("town")
    )
    unit = models.OneToOneField(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="place",
        verbose_name=_("practice unit covering it"),
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_town(self) -> bool:
        return self.kind in (self.Kind.TOWN, self.Kind.STREET)
