"""Input checks for the check-in page: the search box, a tap or scan, and the walk-in form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.models import NAME_REQUIRED, Registration
from seminar.validators import phone_validate


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, Chinese name, email, organisation or code"),
        max_length=100,
        required=False,
        strip=True,
    )


class CheckinForm(forms.Form):
    """One tap on a search result (`registration`) or one scanned or typed `code`."""

    registration = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    code = forms.CharField(label=_("Check-in code"), max_length=40, required=False, strip=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("registration") and not cleaned.get("code"):
            self.add_error("code", _("Type the check-in code or pick a person from the search."))
        return cleaned


class WalkInForm(forms.ModelForm):
    """The few details taken at the desk; the other required fields get sensible defaults."""

    consent = forms.BooleanField(
        label=_(
            "I have shown them the personal information collection statement and they agree to it."
        ),
        required=True,
    )
    waitlist_if_full = forms.BooleanField(
        label=_("Add to the waitlist if full"),
        required=False,
        help_text=_("Otherwise nobody is registered when the room is full."),
    )

    class Meta:
        model = Registration
        fields = (
            "name_en",
            "name_zh",
            "email",
            "organisation",
            "phone",
            "participant_type",
            "preferred_language",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone_validate)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["participant_type"].initial = Registration.ParticipantType.OTHER
        self.fields["name_en"].help_text = ""
        for name, token in {"name_en": "off", "email": "off", "organisation": "off"}.items():
            self.fields[name].widget.attrs["autocomplete"] = token

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not (cleaned.get("name_en", "").strip() or cleaned.get("name_zh", "").strip()):
            self.add_error("name_en", NAME_REQUIRED)
        return cleaned

    def _post_clean(self) -> None:
        # The booking service builds and validates the row; the form checks its own fields only
        # (the model's clean() would ask for fields the desk fills in later).
        pass

    def registration_data(self) -> dict[str, Any]:
        """The fields as the booking service takes them, with the defaults the desk uses for
        what it does not ask (documented in docs/check-in.md)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data.update(region=Registration.Region.HONG_KONG, industry=Registration.Industry.OTHER)
        return data
