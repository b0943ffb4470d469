"""What the write endpoints share: the error answers their schema lists, and the lookups."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse

from registrations.models import Registration
from seminar.models import Seminar
from seminar.selectors import seminar_drafts_visible, seminar_get_visible

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


def seminar_get(slug: str, *, user) -> Seminar:
    """The seminar as `user` may see it, as the reads show it: a draft only to staff who may
    view seminars (check-in staff get the same 404 for a draft as on GET). The services decide
    what a seminar's state allows."""
    return seminar_get_visible(slug=slug, include_drafts=seminar_drafts_visible(user=user))


def registration_get(pk: int) -> Registration:
    return get_object_or_404(Registration.objects.select_related("seminar"), pk=pk)
