"""Validators for Chinese personal data: mobile numbers, ID numbers (GB 11643), postcodes, coordinates."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
POSTCODE_RE = re.compile(r"^[0-8]\d{5}$")  # 0: Inner Mongolia (包头 014010), Shanxi, Hebei
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(normalize_phone(value)):
        raise ValidationError(_("Enter a valid 11-digit mobile number."), code="invalid_phone")


def validate_postcode(value: str) -> None:
    """A mainland postcode: six digits, the first 1–8 (the essay contest asks for the author's)."""
    if not POSTCODE_RE.match((value or "").strip()):
        raise ValidationError(_("Enter a valid 6-digit postcode."), code="invalid_postcode")


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_birth_date(value: str) -> dt.date | None:
    value = normalize_id_number(value)
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_id_number(value: str) -> None:
    """Resident ID number (GB 11643-1999): 18 characters, valid birth date, ISO 7064 MOD 11-2 check digit."""
    value = normalize_id_number(value)
    if not ID_RE.match(value):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a digit or X."), code="invalid_id"
        )
    born = id_birth_date(value)
    if born is None or born > dt.date.today() or born.year < 1900:
        raise ValidationError(_("The birth date inside this ID number is not valid."), code="invalid_id")
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(
            _("The ID number's check digit is wrong; please check it again."), code="invalid_id"
        )


def validate_latitude(value: float) -> None:
    if value is not None and not (3.0 <= float(value) <= 54.0):
        raise ValidationError(_("Latitude must be inside China (3 to 54)."), code="invalid_lat")


def validate_longitude(value: float) -> None:
    if value is not None and not (73.0 <= float(value) <= 136.0):
        raise ValidationError(_("Longitude must be inside China (73 to 136)."), code="invalid_lng")


# Dates a filter or report may ask about; far dates used to overflow date arithmetic (a 500).
FILTER_DATE_MIN = dt.date(2000, 1, 1)
FILTER_DATE_MAX = dt.date(2100, 12, 31)


def validate_filter_date(value: dt.date | None) -> None:
    if value is not None and not (FILTER_DATE_MIN <= value <= FILTER_DATE_MAX):
        raise ValidationError(
            _("Choose a date between %(start)s and %(end)s."),
            code="date_range",
            params={"start": FILTER_DATE_MIN.isoformat(), "end": FILTER_DATE_MAX.isoformat()},
        )
