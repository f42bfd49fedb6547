"""The matching index: one row per team with its place on a grid and its pre-aggregated history.

The grid (cells about 2 km square) lets a recommendation look only at teams near the order's place, widening
ring by ring, instead of scanning every team in the province. Ratings and response speed are aggregated by a
periodic job (`team_index_refresh`); a team's current open load is always read live.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamIndex(models.Model):
    team = models.OneToOneField("people.Team", on_delete=models.CASCADE, related_name="match_index")
    cell = models.IntegerField(db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    categories = models.JSONField(default=list, blank=True)
    capacity = models.PositiveIntegerField(default=3)
    # 21 bits: 7 weekdays × (am, pm, eve); the union of the members' weekly availability.
    avail_mask = models.IntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    rating_avg = models.FloatField(null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    response_minutes = models.FloatField(null=True, blank=True)
    response_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("team matching index")
        verbose_name_plural = _("team matching index")
        indexes = [models.Index(fields=["cell", "is_active"], name="team_index_cell")]

    def __str__(self) -> str:
        return f"index of team {self.team_id} @ {self.cell}"


class AutoDispatch(models.Model):
    """One row each time the platform dispatched an order by itself; a team tried once is never tried again."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="auto_dispatches")
    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("automatic dispatch")
        verbose_name_plural = _("automatic dispatches")
        constraints = [models.UniqueConstraint(fields=["order", "team"], name="auto_dispatch_once")]

    def __str__(self) -> str:
        return f"auto {self.order_id} → {self.team_id}"
