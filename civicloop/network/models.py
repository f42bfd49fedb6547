"""The practice network: the unit tree (centre → institute → station → point) and who works where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

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
