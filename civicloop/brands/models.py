"""Brand projects (品牌项目): every town/street and every industry cultivates at least one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core.choices import Platform
from civicloop.core.fields import PathField
from civicloop.core.models import WorkflowEvent
from civicloop.network.models import Unit


class BrandProject(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    name = models.CharField(_("name"), max_length=100)
    # The unit that owns the project: an institute (town/street), a station, or a department for an industry.
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="brand_projects", verbose_name=_("owner unit")
    )
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    industry = models.CharField(_("industry"), max_length=50, blank=True, db_index=True)
    category = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    description = models.TextField(_("description"), blank=True)
    teams = models.ManyToManyField(
        "people.Team", blank=True, related_name="brand_projects", verbose_name=_("teams")
    )
    activities = models.ManyToManyField(
        "activities.Activity", blank=True, related_name="brand_projects", verbose_name=_("activities")
    )
    orders = models.ManyToManyField(
        "orders.Order", blank=True, related_name="brand_projects", verbose_name=_("orders")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=0)  # moved only by the workflow engine
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("brand project")
        verbose_name_plural = _("brand projects")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner_unit", "name"], name="brand_unique_name_per_unit")
        ]

    def __str__(self) -> str:
        return self.name


class BrandProjectEvent(WorkflowEvent):
    """One row per step of a brandproject's workflow: its timeline."""

    subject = models.ForeignKey(BrandProject, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass
