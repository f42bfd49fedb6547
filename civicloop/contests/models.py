"""Calls for entries (征文, 新闻图片摄影赛, 评身边好事): one mechanism.

A `Call` collects `Entry` rows (essays, photos or nominations), judges score them per stage (`Judge`, `Score`),
results are announced for a 公示 period (`Objection`), then published with awards and certificates. Nomination
calls add public 点赞 voting (`Vote`, with `VoteTally` enforcing the per-call cap per person and day).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.core.fields import EncryptedTextField, PathField
from civicloop.core.models import WorkflowEvent


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Call(models.Model):
    class Kind(models.TextChoices):
        ESSAY = "essay", _("Essay contest")
        PHOTO = "photo", _("News photo contest")
        NOMINATION = "nomination", _("Good people and deeds (nominations)")

    organiser = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    unit_path = PathField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    sponsor = models.CharField(_("sponsor"), max_length=120, blank=True)
    theme = models.TextField(_("theme"), blank=True)
    eligibility = models.TextField(_("who may enter"), blank=True)
    rules = models.TextField(_("rules"), blank=True)
    contact = models.CharField(_("contact for questions"), max_length=200, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    marker = models.CharField(
        _("title marker"), max_length=80, blank=True, help_text=_("Entries must carry these words (e-mail subject).")
    )
    # author fields the entry form asks for: name, address, postcode, phone, organisation
    required_fields = models.JSONField(_("required author fields"), default=list, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    guideline_chars = models.PositiveIntegerField(_("length guideline (字)"), null=True, blank=True)
    limit_chars = models.PositiveIntegerField(_("hard length limit (字)"), null=True, blank=True)
    # [{"code": "content", "label": "思想内容", "weight": 40}, ...]; weights add up to 100
    rubric = models.JSONField(_("rubric"), default=list, blank=True)
    # how many of each award: {"first": 1, "second": 2, "third": 3, "merit": 5}
    award_plan = models.JSONField(_("awards"), default=dict, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("publicity period (days)"), default=7)
    publicity_ends_at = models.DateTimeField(null=True, blank=True)
    votes_per_day = models.PositiveSmallIntegerField(
        _("votes per person per day (whole call)"), default=3
    )
    ip_votes_per_hour = models.PositiveIntegerField(_("votes per IP address per hour"), default=60)
    status = models.CharField(max_length=16, default="draft", db_index=True)
    version = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call for entries")
        verbose_name_plural = _("calls for entries")
        ordering = ["-opens_at", "pk"]
        indexes = [models.Index(fields=["unit_path", "status"], name="call_path_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/contests/c/{self.pk}/"

    @property
    def is_nomination(self) -> bool:
        return self.kind == self.Kind.NOMINATION


class CallEvent(WorkflowEvent):
    subject = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")


class Entry(models.Model):
    class Source(models.TextChoices):
        ONLINE = "online", pgettext_lazy("contests", "Online")
        EMAIL = "email", _("E-mail")
        PAPER = "paper", _("Paper (entered by staff)")

    class Award(models.TextChoices):
        FIRST = "first", _("First prize")
        SECOND = "second", _("Second prize")
        THIRD = "third", _("Third prize")
        MERIT = "merit", _("Award of excellence")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="entries")
    unit_path = PathField(max_length=255, db_index=True)  # the call's organiser, or the nominee's station
    unit = models.ForeignKey("network.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    number = models.CharField(_("receipt number"), max_length=32, unique=True, null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contest_entries"
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.ONLINE)
    message_id = models.CharField(max_length=250, blank=True, db_index=True)  # e-mail entries: never filed twice
    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(_("category"), max_length=40, blank=True)
    body = models.TextField(_("text"), blank=True)
    length = models.PositiveIntegerField(_("length (字)"), default=0)
    author_name = EncryptedTextField(_("author's name"), blank=True)
    author_address = EncryptedTextField(_("address"), blank=True)
    author_postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    author_phone = EncryptedTextField(_("phone"), blank=True)
    organisation = models.CharField(_("organisation (unit)"), max_length=100, blank=True, db_index=True)
    # photos
    caption = models.TextField(_("caption"), blank=True)
    photo = models.ImageField(_("photo (original)"), upload_to="contests/orig/%Y/%m/", storage=private_storage, blank=True)
    web_photo = models.ImageField(upload_to="contests/web/%Y/%m/", storage=private_storage, blank=True)
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    camera = models.CharField(_("camera (EXIF)"), max_length=100, blank=True)
    phash = models.CharField(max_length=16, blank=True, db_index=True)
    similar_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("looks like")
    )
    # nominations
    nominee_name = EncryptedTextField(_("nominee's name"), blank=True)
    nominee_phone = EncryptedTextField(_("nominee's phone"), blank=True)
    nominee_consent = models.BooleanField(_("the nominee agrees"), default=False)
    # results
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    award = models.CharField(_("award"), max_length=8, choices=Award.choices, blank=True)
    certificate_code = models.CharField(max_length=24, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=16, default="draft", db_index=True)
    version = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["call", "status"], name="entry_call_status"),
            models.Index(fields=["unit_path", "status"], name="entry_path_status"),
        ]

    def __str__(self) -> str:
        return self.number or self.title

    def get_absolute_url(self) -> str:
        return f"/contests/e/{self.pk}/"

    @property
    def blind_code(self) -> str:
        """What judges see instead of the author: stable, says nothing about who wrote it."""
        return f"#{self.call_id:02d}-{(self.pk * 7919) % 100000:05d}"


class EntryEvent(WorkflowEvent):
    subject = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="events")


class Attachment(models.Model):
    """A document or photo that came with an entry (e-mail imports, paper scans); text is extracted."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="contests/att/%Y/%m/", storage=private_storage)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Judge(models.Model):
    class Stage(models.TextChoices):
        FIRST = "first", _("First round")
        SECOND = "second", _("Second round")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="judges")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_judging")
    declared_at = models.DateTimeField(null=True, blank=True)
    conflicts = models.TextField(
        _("declared conflicts of interest"), blank=True,
        help_text=_("Organisations or people you are close to, one a line; their entries are not shown to you."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "stage", "user"], name="judge_once_per_stage")]

    def __str__(self) -> str:
        return f"{self.user} {self.stage}"


class Recusal(models.Model):
    """A judge stands aside from one entry (conflict found while reading)."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="recusals")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="recusal_once")]

    def __str__(self) -> str:
        return self.reason


class Score(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="scores")
    stage = models.CharField(max_length=8, choices=Judge.Stage.choices)
    values = models.JSONField(default=dict)  # criterion code -> 0..100
    total = models.DecimalField(max_digits=6, decimal_places=2)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge", "stage"], name="score_once_per_judge_stage")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.total}"


class UnitAward(models.Model):
    """优秀组织奖: for a unit that organised many good entries."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="unit_awards")
    organisation = models.CharField(_("organisation (unit)"), max_length=100)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "organisation"], name="unit_award_once")]

    def __str__(self) -> str:
        return self.organisation


class Objection(models.Model):
    """An objection raised during the 公示 period; publication waits until every one is answered."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("objection"))
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text[:40]


class Vote(models.Model):
    """One 点赞: one per person per candidate per day (Asia/Shanghai); kept with IP and device for burst checks."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="votes")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    device = models.CharField(max_length=64, blank=True)  # a keyed hash of the user agent + device cookie
    discounted = models.BooleanField(default=False)
    discount_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "voter", "day"], name="vote_once_per_day")
        ]
        indexes = [
            models.Index(fields=["call", "ip", "created_at"], name="vote_call_ip_time"),
            models.Index(fields=["entry", "discounted"], name="vote_entry_counted"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.day}"


class VoteTally(models.Model):
    """Votes one person gave in one call on one day: the per-call cap is a conditional update on this row."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "voter", "day"], name="tally_once_per_day")]

    def __str__(self) -> str:
        return f"{self.voter_id} {self.day} {self.count}"


class MailItem(models.Model):
    """A message `contests_import_mail` could not file: it waits for a person."""

    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    sender = models.CharField(max_length=250, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    problem = models.CharField(max_length=250)
    raw = models.BinaryField()
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.subject
