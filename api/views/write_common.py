"""What the write endpoints share: the error answers their schema lists, and the lookups."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse

from registrations.models import Registration
from seminar.models import Seminar

from ..serializers.errors import ErrorSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input: `fields` says what."),
    401: OpenApiResponse(ErrorSerializer, description="No token, or one that is not usable."),
    403: OpenApiResponse(ErrorSerializer, description="The token's role does not allow this."),
    404: OpenApiResponse(ErrorSerializer, description="No such seminar or registration."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The state refuses it: duplicate_registration, seminar_full, over_capacity, "
        "not_pending, already_declined.",
    ),
    413: OpenApiResponse(
        ErrorSerializer, description="The body is over the size limit (request_too_large)."
    ),
    422: OpenApiResponse(
        ErrorSerializer,
        description="A rule refused it (registration_closed, registration_not_open, "
        "seminar_unavailable, idempotency_key_reused, ...): `code` says which.",
    ),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests with this token."),
}


def errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


def seminar_get(slug: str) -> Seminar:
    """Any seminar, drafts included: the write permissions are organisers' and door staff's,
    who see them all; the services decide what a seminar's state allows."""
    return get_object_or_404(Seminar, slug=slug)


def registration_get(pk: int) -> Registration:
    return get_object_or_404(Registration.objects.select_related("seminar"), pk=pk)
