"""Registrations made, cancelled, approved and declined through the API: the same services as
the public form and the admin, with the token's user as the actor (so the audit log names the
token)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.models import Registration
from registrations.services import (
    registration_approve,
    registration_cancel,
    registration_create,
    registration_decline,
)

from ..idempotency import IDEMPOTENCY_PARAMETER, idempotent
from ..serializers.registration_input import (
    DeclineInputSerializer,
    EmptyInputSerializer,
    RegistrationCreatedSerializer,
    RegistrationInputSerializer,
)
from .write_common import errors, registration_get, seminar_get


class RegistrationCreateView(APIView):
    required_permissions = {"POST": ["registrations.add_registration"]}

    @extend_schema(
        operation_id="registration_create",
        summary="Register someone for a seminar",
        description="The public form's booking: the same registration window, capacity, "
        "waitlist, screening and duplicate-email rules. `status` in the answer says what "
        "happened: confirmed, waitlisted (with `waitlist_position`) or pending (the "
        "seminar screens registrations). The registrant gets the same emails.",
        request=RegistrationInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: RegistrationCreatedSerializer,
            **errors(400, 401, 403, 404, 409, 413, 422, 429),
        },
        tags=["writes"],
    )
    @idempotent
    def post(self, request, slug: str):
        seminar = seminar_get(slug, user=request.user)
        serializer = RegistrationInputSerializer(data=request.data, context={"seminar": seminar})
        serializer.is_valid(raise_exception=True)
        registration = registration_create(
            seminar=seminar,
            data=serializer.registration_data(),
            answers=serializer.validated_data["answers"],
            source=Registration.Source.API,
            actor=request.user,
        )
        location = reverse("api:registration", kwargs={"id": registration.pk})
        return Response(
            RegistrationCreatedSerializer(registration).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(location)},
        )


class _RegistrationActionView(APIView):
    """POST with nothing (or a message) to change a registration's status; answers the
    registration as it now stands. Sending it again changes nothing; a decision that does not
    apply to the registration's status is refused (the services decide: status_actions.py)."""

    input_serializer = EmptyInputSerializer

    def act(self, registration: Registration, data: dict) -> Registration:
        raise NotImplementedError

    def post(self, request, pk: int):
        registration = registration_get(pk)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = self.act(registration, serializer.validated_data)
        registration.refresh_from_db()
        return Response(RegistrationCreatedSerializer(registration).data)


def _action_schema(summary: str, description: str, request=EmptyInputSerializer):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: RegistrationCreatedSerializer, **errors(400, 401, 403, 404, 409, 422, 429)},
        tags=["writes"],
    )


class RegistrationCancelView(_RegistrationActionView):
    required_permissions = {"POST": ["registrations.change_registration"]}

    @_action_schema(
        "Cancel a registration",
        "A confirmed seat goes to the first person on the waitlist. Cancelling a cancelled "
        "registration again changes nothing (200); a declined one is refused (409 "
        "`already_declined`).",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, registration, data):
        return registration_cancel(registration=registration, actor=self.request.user, strict=True)


class RegistrationApproveView(_RegistrationActionView):
    required_permissions = {"POST": ["registrations.change_registration"]}

    @_action_schema(
        "Approve a pending registration",
        "It takes a seat if one is free, else a place on the waitlist. Approving a confirmed or "
        "waitlisted registration again changes nothing (200); a cancelled or declined one is "
        "refused (409 `not_pending`).",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, registration, data):
        return registration_approve(registration=registration, actor=self.request.user, strict=True)


class RegistrationDeclineView(_RegistrationActionView):
    required_permissions = {"POST": ["registrations.change_registration"]}
    input_serializer = DeclineInputSerializer

    @_action_schema(
        "Decline a pending registration",
        "For good; the registrant is told by email, with `message` if given. Declining a "
        "declined registration again changes nothing (200); any other but a pending one is "
        "refused (409 `not_pending`).",
        request=DeclineInputSerializer,
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, registration, data):
        return registration_decline(
            registration=registration,
            actor=self.request.user,
            message=data.get("message", ""),
            strict=True,
        )
