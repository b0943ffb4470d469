"""A seminar's own questions as the public form asks them, for a program that registers people
(POST .../registrations/ takes `answers` as {question id: value}). What is asked, required and
how long an answer may be come from the form's own fields (registrations.questions)."""

from typing import Any

from django.conf import settings
from django.utils.translation import override
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registrations.models import Question
from registrations.questions import question_field

Kind = Question.Kind

# What to send as a question's answer, by kind.
ANSWER_FORMS = {
    Kind.SHORT_TEXT: "text",
    Kind.LONG_TEXT: "text",
    Kind.CHOICE: "option id",
    Kind.DROPDOWN: "option id",
    Kind.MULTIPLE: "list of option ids",
    Kind.YES_NO: '"yes" or "no"',
    Kind.DECLARATION: "true",
    Kind.NUMBER: "number",
    Kind.DATE: "date (YYYY-MM-DD, 1900 to 2100)",
    Kind.EMAIL: "email address",
    Kind.PHONE: "phone number",
}


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(help_text="In the request's language.")


class ConditionSerializer(serializers.Serializer):
    question = serializers.IntegerField(
        allow_null=True, help_text="Shown only if this earlier question was answered with..."
    )
    options = serializers.ListField(
        child=serializers.IntegerField(), help_text="...one of these options (ids)."
    )
    field = serializers.CharField(
        allow_null=True,
        help_text="Or: shown only if this registration field (e.g. participant_type) has...",
    )
    values = serializers.ListField(child=serializers.CharField(), help_text="...one of these.")


class QuestionSerializer(serializers.Serializer):
    """One question: a shown question whose `required` is true needs an answer."""

    id = serializers.IntegerField(help_text="The key of its answer in `answers`.")
    kind = serializers.ChoiceField(choices=Kind.choices)
    answer = serializers.CharField(help_text="What to send as its answer.")
    label = serializers.CharField(help_text="In the request's language.")
    help_text = serializers.CharField(help_text="In the request's language; may be empty.")
    texts = serializers.SerializerMethodField()
    required = serializers.BooleanField(
        help_text="An answer is needed when the question is shown (a declaration always)."
    )
    max_length = serializers.IntegerField(allow_null=True, help_text="For text answers.")
    options = OptionSerializer(many=True, help_text="For choice questions; else empty.")
    conditions = ConditionSerializer(
        many=True,
        help_text="Shown only when all hold; a hidden question's answer is ignored. Empty: "
        "always shown.",
    )

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"label": {"type": "string"}, "help_text": {"type": "string"}},
                "required": ["label", "help_text"],
            },
        }
    )
    def get_texts(self, question: Question) -> dict[str, dict[str, str]]:
        """The label and help in each language, by language code (English where the organisers
        left one empty, as the form shows it)."""
        texts = {}
        for code, _name in settings.LANGUAGES:
            with override(code):
                texts[code] = {"label": question.label, "help_text": question.help_text}
        return texts

    def to_representation(self, question: Question) -> dict[str, Any]:
        field = question_field(question)
        known = self.context.get("known", {})
        if question.has_options:
            options = [{"id": o.pk, "label": o.label} for o in question.options.all()]
        else:
            options = []
        conditions = [
            {
                "question": condition.depends_on_id,
                "options": [option.pk for option in condition.options.all()],
                "field": None,
                "values": [],
            }
            if condition.depends_on_id
            else {
                "question": None,
                "options": [],
                "field": condition.field,
                "values": [str(value) for value in condition.values],
            }
            for condition in question.conditions.all()
            # A condition on a value the seminar itself decides holds already (questions
            # ruled out by one are not listed at all), as on the form.
            if condition.depends_on_id or condition.field not in known
        ]
        return {
            "id": question.pk,
            "kind": question.kind,
            "answer": ANSWER_FORMS[question.kind],
            "label": question.label,
            "help_text": question.help_text,
            "texts": self.get_texts(question),
            "required": field.required,
            "max_length": getattr(field, "max_length", None),
            "options": options,
            "conditions": conditions,
        }
