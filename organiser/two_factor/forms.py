"""The code field of the two-factor pages: input checks only; services.py judges the code."""

from django import forms
from django.utils.translation import gettext_lazy as _

# A recovery code is 8 characters and an app's code 6; room for spaces and dashes people type.
CODE_MAX_LENGTH = 40


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=CODE_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, label=None, help_text=None, autofocus=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not autofocus:  # a field lower down a page: the keyboard starts at the top
            del self.fields["code"].widget.attrs["autofocus"]
        if label is not None:
            self.fields["code"].label = label
        if help_text is not None:
            self.fields["code"].help_text = help_text
