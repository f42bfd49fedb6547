from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.garden.models import Garden


class PostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    image = forms.ImageField(label=_("Image"), required=False)
    links = forms.CharField(
        label=_("Links to materials"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One a line: title | https://…"),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500})
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ModerationForm(forms.Form):
    moderation = forms.ChoiceField(label=_("Moderation"), choices=Garden.Moderation.choices)


class WordForm(forms.Form):
    word = forms.CharField(label=_("Word"), max_length=50)
