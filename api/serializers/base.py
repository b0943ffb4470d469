"""What every model serializer of the API shares."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    """A model serializer whose optional email and web addresses are plain text in the schema:
    an empty one is "", which a `format: email` or `format: uri` would call invalid."""

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if model_field.blank and isinstance(model_field, models.EmailField | models.URLField):
            field_class = serializers.CharField
            kept = ("max_length", "allow_blank", "read_only", "required", "help_text", "label")
            field_kwargs = {key: value for key, value in field_kwargs.items() if key in kept}
        return field_class, field_kwargs


UNKNOWN_FIELD = _("Unknown field. See the schema for the fields this takes.")


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, naming each, rather than ignoring a typo."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {
                        key: [serializers.ErrorDetail(UNKNOWN_FIELD, code="unknown")]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)
