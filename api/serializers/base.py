"""What every model serializer of the API shares."""

from django.db import models
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
