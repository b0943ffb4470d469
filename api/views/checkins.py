"""Check-ins at the door through the API: registrations.checkin's one write and its undo."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.checkin import CheckinResult, CheckinState, checkin_record, checkin_undo
from registrations.models import Registration

from ..serializers.registration_input import (
    CheckinInputSerializer,
    CheckinResultSerializer,
    CheckinUndoneSerializer,
    EmptyInputSerializer,
)
from .write_common import errors, seminar_get


class CheckinView(APIView):
    required_permissions = {"POST": ["registrations.check_in"]}

    @extend_schema(
        operation_id="checkin_record",
        summary="Check someone in at the door",
        description="By the code the person shows, or by a registration id from a search. "
        "Always 200 with what the door page shows: `state` checked_in or already (`ok`: let "
        "them in, with when and by whom), or why not (waitlisted, cancelled, not_confirmed, "
        "other_seminar, unknown, ended: the check-in closed after the seminar). Only "
        "checked_in records anything; sending the same check-in again answers already.",
        request=CheckinInputSerializer,
        responses={200: CheckinResultSerializer, **errors(400, 401, 403, 404, 429)},
        tags=["writes"],
    )
    def post(self, request, slug: str):
        seminar = seminar_get(slug, user=request.user)
        serializer = CheckinInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "registration" in data:
            # Only this seminar's registrations are looked up: an id is no secret, so another
            # seminar's (or no) registration is an unknown code, as at the door.
            registration = (
                Registration.objects.select_related("seminar")
                .filter(pk=data["registration"], seminar=seminar)
                .first()
            )
            if registration is None:
                return Response(CheckinResultSerializer(CheckinResult(CheckinState.UNKNOWN)).data)
            result = checkin_record(seminar=seminar, registration=registration, by=request.user)
        else:
            result = checkin_record(seminar=seminar, code=data["code"], by=request.user)
        return Response(CheckinResultSerializer(result).data)


class CheckinUndoView(APIView):
    required_permissions = {"POST": ["registrations.check_in"]}

    @extend_schema(
        operation_id="checkin_undo",
        summary="Undo a mistaken check-in",
        description="The person who checked someone in may undo it within two minutes; "
        "organisers at any time, until the check-in closes after the seminar.",
        request=EmptyInputSerializer,
        responses={200: CheckinUndoneSerializer, **errors(400, 401, 403, 404, 422, 429)},
        tags=["writes"],
    )
    def post(self, request, slug: str, pk: int):
        seminar = seminar_get(slug, user=request.user)
        serializer = EmptyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = get_object_or_404(
            Registration.objects.select_related("seminar"), pk=pk, seminar=seminar
        )
        registration = checkin_undo(registration=registration, by=request.user)
        return Response(CheckinUndoneSerializer(registration).data)
