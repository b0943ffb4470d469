"""Registrations with their answers and attendance, for organisers' own systems (a CRM's sync).

The list walks (updated_at, id) with a keyset cursor (api/pagination.py): a sync asks again with
the last cursor it was given and gets exactly what changed since.
"""

from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from registrations.models import Registration
from registrations.registration_reads import registrations_for_sync
from seminar.models import Seminar

from ..pagination import SyncCursorPagination
from ..serializers.errors import error_responses
from ..serializers.registrations import RegistrationSerializer

SEMINAR_UNKNOWN = _("There is no seminar at this web address.")
OFFSET_MISSING = _(
    "Add the time zone offset to the time, e.g. 2026-05-01T09:00:00+08:00 (or Z for UTC): "
    "without it the time is ambiguous."
)


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that must say its offset: a sync must not depend on our time zone."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        given = parse_datetime(value.strip()) if isinstance(value, str) else None
        if given is not None and given.tzinfo is None:
            raise serializers.ValidationError(OFFSET_MISSING, code="offset_missing")
        return parsed


class RegistrationFilterSerializer(serializers.Serializer):
    seminar = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Seminar.objects.all(),
        required=False,
        help_text="Only this seminar's registrations (its web address).",
        error_messages={"does_not_exist": SEMINAR_UNKNOWN},
    )
    status = serializers.ChoiceField(
        choices=Registration.Status.choices, required=False, help_text="Only this status."
    )
    updated_since = OffsetDateTimeField(
        required=False,
        help_text="Only registrations changed after this time (ISO 8601 with a time zone, "
        "e.g. 2026-05-01T09:00:00+08:00).",
    )


class RegistrationReadView(GenericAPIView):
    required_permissions = {"GET": ["registrations.view_registration"]}
    serializer_class = RegistrationSerializer


@extend_schema(
    tags=["registrations"],
    summary="List registrations",
    description="Registrations of every seminar (or one), oldest change first: ordered by "
    "(updated_at, id) and paged with a cursor, so a sync misses no row and sees none twice. "
    "Each comes with its answers and attendance. For organisers.",
    parameters=[RegistrationFilterSerializer],
    responses={200: RegistrationSerializer(many=True), **error_responses(400, 401, 403, 429)},
)
class RegistrationListView(RegistrationReadView):
    pagination_class = SyncCursorPagination

    def get(self, request):
        filters = RegistrationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        registrations = registrations_for_sync(**filters.validated_data)
        page = self.paginate_queryset(registrations)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=["registrations"],
    summary="One registration",
    description="A registration by its id, with its answers and attendance. For organisers.",
    parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    responses={200: RegistrationSerializer, **error_responses(401, 403, 404, 429)},
)
class RegistrationDetailView(RegistrationReadView):
    def get(self, request, id: int):
        registration = get_object_or_404(registrations_for_sync(), pk=id)
        return Response(self.get_serializer(registration).data)
