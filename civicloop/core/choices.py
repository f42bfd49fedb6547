"""Shared vocabularies from DESIGN §1."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    """The six service platforms, 讲教科文卫媒."""

    LECTURE = "lecture", _("Theory talks")
    EDUCATION = "education", _("Education")
    SCIENCE = "science", _("Science")
    CULTURE = "culture", _("Culture")
    HEALTH = "health", _("Health & sport")
    MEDIA = "media", _("Media")


class FocusGroup(models.TextChoices):
    EMPTY_NEST_ELDERLY = "empty_nest_elderly", _("Empty-nest elderly")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
    HARDSHIP = "hardship", _("Hardship household")


class VolunteerType(models.TextChoices):
    PARTY_MEMBER = "party_member", _("Serving party member")
    LOCAL_TALENT = "local_talent", _("Local talent")
    TECH_EXPERT = "tech_expert", _("Technology expert")
    FIVE_ELDERS = "five_elders", _("'Five elders'")
    COLLEGE_STUDENT = "college_student", _("College student")
    RETURNING_ENTREPRENEUR = "returning_entrepreneur", _("Returning entrepreneur")
    NEW_GENTRY = "new_gentry", _("New gentry")
    SOCIAL_ORG = "social_org", _("Social organisation")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_PARTS = ("am", "pm", "eve")
