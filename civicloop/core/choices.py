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

    @property
    def letter(self) -> str:
        """The platform's one-character name (讲 教 科 文 卫 媒), the same in every language: tiles, short tags."""
        return PLATFORM_LETTERS[self.value]

    @property
    def short_label(self) -> str:
        """The label without its letter: "讲（理论宣讲）" → "理论宣讲" (the tile shows the letter apart, big)."""
        text = str(self.label)
        return text.split("（", 1)[1].rstrip("）") if "（" in text else text


PLATFORM_LETTERS = {"lecture": "讲", "education": "教", "science": "科", "culture": "文", "health": "卫", "media": "媒"}


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
