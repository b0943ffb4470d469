"""Input checks for the public registration form; the booking rules live in services.py."""

import time
from collections.abc import Mapping, Sequence
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.signing import BadSignature, TimestampSigner
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar
from seminar.selectors import seminar_mode_availability
from seminar.validators import phone_validate

from .answer_input import answers_shown
from .models import CONDITION_FIELDS, REGISTRANT_FIELDS, TRACKING_FIELDS, Question, Registration
from .questions import (
    answer_from_cleaned,
    condition_data,
    condition_hint,
    field_name,
    question_field,
    questions_applicable,
)
from .registrant_rules import consent_version_current, registrant_details_problems

STARTED_SALT = "registrations.form-started"


def started_sign() -> str:
    """The form's start time, signed so a bot cannot post an older one of its own."""
    return TimestampSigner(salt=STARTED_SALT).sign(str(time.time()))


class RegistrantDetailsForm(forms.ModelForm):
    """The registrant's own details, as first entered and as later updated on their page."""

    news_opt_in = forms.BooleanField(
        label=_("Send me news of future seminars and events (optional)."), required=False
    )

    class Meta:
        model = Registration
        fields = REGISTRANT_FIELDS
        help_texts = {
            # Either name will do; the model's clean() asks for at least one.
            "name_zh": _("e.g. 陳大文. Give your name in English, in Chinese or both."),
            "email": _("Your confirmation and joining details go here."),
            "organisation_size": _("For SME representatives."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone_validate)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["salutation"].required = False
        autocomplete = {
            "name_en": "name",
            "email": "email",
            "phone": "tel",
            "organisation": "organization",
            "job_title": "organization-title",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template renders the token with the <form> tag
        self.helper.layout = Layout(*self.layout_sections(), self.submit_button())

    def submit_button(self) -> Submit:
        return Submit("save", _("Save changes"), css_class="btn-lg mt-2")

    def submit_withdraw(self) -> None:
        """Lay the form out without its button: what was typed stays on the page, but nothing
        invites a send that cannot work (the seminar closed or filled up meanwhile)."""
        self.helper.layout = Layout(*self.layout_sections())

    def layout_sections(self) -> list:
        return [
            Fieldset(
                _("About you"),
                Field("salutation", wrapper_class="col-sm-4"),
                "name_en",
                "name_zh",
                "email",
                "phone",
            ),
            Fieldset(
                _("Your organisation"),
                "organisation",
                "job_title",
                "participant_type",
                "organisation_size",
                "region",
                "industry",
            ),
            Fieldset(_("Preferences"), "preferred_language", "heard_from", "news_opt_in"),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for field, message in registrant_details_problems(data=cleaned).items():
            self.add_error(field, message)
        return cleaned

    def registration_data(self) -> dict[str, Any]:
        """The validated fields as the services take them."""
        return {name: self.cleaned_data[name] for name in REGISTRANT_FIELDS}


class QuestionsMixin:
    """A seminar's own questions as fields after the form's own, and `answers` once valid.

    `questions` are the seminar's (questions.seminar_questions); `known` holds fixed values the
    form does not ask (the attendance mode of a seminar with one, or all of a registration's
    fixed fields on its answers page): questions they rule out are not carried at all.

    Every question is rendered, each in a wrapper with its conditions for the script, which
    hides (`hidden`) those that do not apply as the registrant answers; without the script each
    conditional question says when it applies. Either way the server decides: a question hidden
    by the answers sent is never required, its posted answer is ignored (errors included), and
    `answers` holds the shown questions only, empty ones too (a cleared answer).
    """

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Question] = (),
        known: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.questions_given = list(questions)
        self.known, self.questions = self.questions_carried(
            questions=self.questions_given, known=known or {}
        )
        self.answers: dict[Question, Any] = {}
        super().__init__(*args, **kwargs)
        self.fields_before_questions()
        # A hint names a fixed field as this form labels it ("How will you attend?"), not by
        # the model's name for it, which is the organisers' word.
        labels = {
            name: str(self.fields[name].label)
            for name in CONDITION_FIELDS
            if name in self.fields and self.fields[name].label
        }
        for question in self.questions:
            hint = condition_hint(
                question, questions=self.questions, known=self.known, labels=labels
            )
            self.fields[field_name(question)] = question_field(question, hint=hint)

    @classmethod
    def questions_carried(
        cls, *, questions: Sequence[Question], known: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[Question]]:
        """The known values this form does not ask itself, and the questions it carries given
        them (a known value the form asks rules nothing out)."""
        known_here = {name: value for name, value in known.items() if name not in cls.base_fields}
        return known_here, questions_applicable(questions=questions, known=known_here)

    def fields_before_questions(self) -> None:
        """Add fields of the form's own that are not declared (they depend on the seminar),
        before the questions' hints are written, so that hints can name them."""

    def questions_kwargs(self) -> dict[str, Any]:
        return {"questions": self.questions_given, "known": self.known}

    def questions_layout(self) -> list:
        return [self._question_layout(question) for question in self.questions]

    def _question_layout(self, question: Question) -> Div:
        attrs = {"css_class": "question", "css_id": f"question-{question.pk}"}
        conditions = condition_data(question, known=self.known)
        if conditions:
            attrs["data_show_if"] = conditions
        return Div(field_name(question), **attrs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        fixed = {name: cleaned.get(name) for name in CONDITION_FIELDS if name in self.fields}
        fixed.update(self.known)
        given = {
            question: answer_from_cleaned(question, cleaned[field_name(question)])
            for question in self.questions
            if field_name(question) in cleaned
        }
        self.answers, shown = answers_shown(questions=self.questions, fixed=fixed, given=given)
        for question in self.questions:
            if question.pk not in shown:
                # Whatever was sent for a question that does not apply is not looked at.
                self.errors.pop(field_name(question), None)
                cleaned.pop(field_name(question), None)
        return cleaned


class RegistrationForm(QuestionsMixin, RegistrantDetailsForm):
    """Sign-up: the details, consent to the collection statement, and where they came from.

    Two bot traps: `website` is hidden from people (CSS) but filled by form-filling bots, and
    `started` is a signed time from when the page was served, so a form sent back faster than a
    person could fill it is recognised. The first is answered as if all went well; the second
    asks the sender to wait a moment and send the form again, which costs a person a second
    click and a simple bot its registration.
    """

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    consent = forms.BooleanField(
        label=_("I have read the personal information collection statement above and agree."),
        error_messages={
            "required": _("Please confirm you agree to the collection statement to register.")
        },
    )

    class Meta(RegistrantDetailsForm.Meta):
        fields = (*REGISTRANT_FIELDS, *TRACKING_FIELDS)
        widgets = {field: forms.HiddenInput for field in TRACKING_FIELDS}

    def __init__(self, *args: Any, seminar: Seminar | None = None, **kwargs: Any) -> None:
        self.seminar = seminar
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["preferred_language"].initial = get_language()
        self.fields["started"].initial = started_sign()
        if seminar is not None and (seminar.is_hybrid or seminar.requires_approval):
            self.helper.layout = Layout(*self.layout_sections(), self.submit_button())
        # The fields in the page's order, so the error summary lists them as the page does:
        # the questions before the collection statement's consent and the news opt-in.
        last = ("consent", "news_opt_in")
        self.order_fields(
            [
                "attendance_mode",
                *(name for name in REGISTRANT_FIELDS if name not in last),
                *(field_name(question) for question in self.questions),
                *last,
            ]
        )

    def fields_before_questions(self) -> None:
        if self.seminar is not None and self.seminar.is_hybrid:
            self.fields["attendance_mode"] = attendance_mode_field(seminar=self.seminar)

    def looks_automated(self) -> bool:
        """True when the hidden field was filled or the start time is missing or forged: the
        view answers such a form as if all went well and saves nothing, so a bot learns nothing."""
        return bool(self.cleaned_data.get("website")) or self._started_at() is None

    def sent_too_soon(self) -> bool:
        """True when the form came back faster than a person could fill it in.

        A fast hand with a browser's autofill can get here too, so the view asks them to send
        the form again rather than dropping it.
        """
        started = self._started_at()
        return (
            started is not None and time.time() - started < settings.REGISTRATION_MIN_FILL_SECONDS
        )

    def restarted(self) -> "RegistrationForm":
        """The same answers with a new start time, to be sent again after a pause."""
        data = self.data.copy()
        data["started"] = started_sign()
        return type(self)(data, seminar=self.seminar, **self.questions_kwargs())

    def _started_at(self) -> float | None:
        try:
            return float(
                TimestampSigner(salt=STARTED_SALT).unsign(self.cleaned_data.get("started", ""))
            )
        except (BadSignature, ValueError):
            return None

    def layout_sections(self) -> list:
        about, organisation, _preferences = super().layout_sections()
        # A hybrid seminar's first question: the seats left in each mode may decide the rest.
        attendance = ["attendance_mode"] if "attendance_mode" in self.fields else []
        return [
            *attendance,
            about,
            organisation,
            Fieldset(_("Preferences"), "preferred_language", "heard_from"),
            *self.questions_fieldset(),
            Fieldset(
                _("Personal information collection statement"),
                # Rendered by the view: it names this seminar's organisers and contact.
                HTML("{{ collection_statement }}"),
                "consent",
                "news_opt_in",
            ),
            *TRACKING_FIELDS,
            "started",
            Div(Field("website"), css_class="form-extra-field", aria_hidden="true"),
        ]

    def submit_button(self) -> Submit:
        # Sending a screened seminar's form asks for a seat; it does not take one.
        if getattr(self, "seminar", None) is not None and self.seminar.requires_approval:
            return Submit("register", _("Send my application"), css_class="btn-lg mt-2")
        return Submit("register", _("Register"), css_class="btn-lg mt-2")

    def questions_fieldset(self) -> list:
        if not self.questions:
            return []
        return [
            Fieldset(
                _("Questions from the organisers"),
                *self.questions_layout(),
                css_class="questions",
            )
        ]

    def registration_data(self) -> dict[str, Any]:
        data = super().registration_data()
        data.update({name: self.cleaned_data[name] for name in TRACKING_FIELDS})
        data["consent_version"] = consent_version_current()
        if "attendance_mode" in self.fields:
            data["attendance_mode"] = self.cleaned_data["attendance_mode"]
        return data


def attendance_mode_field(*, seminar: Seminar) -> forms.ChoiceField:
    """ "How will you attend?" at a hybrid seminar: each choice says where its seats stand
    ("Online — 12 seats left"). Whether the chosen mode takes the registration is the booking
    service's to decide, as for any seminar."""
    return forms.ChoiceField(
        label=_("How will you attend?"),
        choices=[(mode.mode, mode.summary) for mode in seminar_mode_availability(seminar=seminar)],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether you will attend in the room or online."),
            "invalid_choice": _("Choose whether you will attend in the room or online."),
        },
    )


class ResendForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address you registered with"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("email", Submit("send", _("Send my link"), css_class="mt-2"))


class AnswersForm(QuestionsMixin, forms.Form):
    """The registrant's answers to the seminar's questions, changed on their own page; their
    fixed fields are `known`, so the questions those rule out are not shown."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *self.questions_layout(),
            Submit("save", _("Save my answers"), css_class="btn-lg mt-2"),
        )
