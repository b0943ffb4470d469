"""Every API error as one JSON shape: a stable `code` a program can branch on, a `message` a
person reads (in the request's language: Accept-Language), and for invalid input the fields with
their own messages:

    {"code": "invalid", "message": "Some fields need attention.",
     "fields": {"email": [{"code": "invalid", "message": "Enter a valid email address."}]}}

The domain's refusals (registrations.errors.RegistrationError) carry their code and words; the
API shows them as they are and never writes its own.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from registrations.errors import RegistrationError

from .parsers import MalformedRequest

# Refusals that mean "the seminar or the registration is not in a state to do this".
CONFLICT_CODES = {
    "duplicate_registration",
    "seminar_full",
    "over_capacity",
    "not_pending",
    "already_declined",
}

# Codes for DRF's own exceptions, fixed here so that renaming a DRF default never changes ours.
CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ParseError: "malformed_request",
}


def error_body(code: str, message, fields: dict | None = None) -> dict:
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return body


def _fields(detail) -> dict:
    """DRF's nested ValidationError detail as {field: [{code, message}]}; nested serializers
    join their path with dots, list items with their index."""
    out: dict[str, list[dict]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not isinstance(value[0], exceptions.ErrorDetail):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            items = value if isinstance(value, list) else [value]
            out.setdefault(prefix or "non_field_errors", []).extend(
                {"code": getattr(item, "code", "invalid"), "message": str(item)} for item in items
            )

    walk("", detail)
    return out


def _suspicious(exc: SuspiciousOperation) -> Response:
    """Django's refusals of a request's body (too large, too many fields) as our JSON, not the
    site's HTML 400 page; still logged where Django logs them."""
    logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
    if isinstance(exc, RequestDataTooBig):
        message = _("The request is too large: send at most %(limit)s.") % {
            "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        }
        return Response(error_body("request_too_large", message), status=413)
    return Response(
        error_body("malformed_request", _("The request could not be read.")), status=400
    )


def api_exception_handler(exc, context):
    if isinstance(exc, SuspiciousOperation):
        return _suspicious(exc)
    if isinstance(exc, RegistrationError):
        fields = (
            {exc.field: [{"code": exc.code, "message": str(exc.message)}]} if exc.field else None
        )
        code = status.HTTP_409_CONFLICT if exc.code in CONFLICT_CODES else 422
        return Response(error_body(exc.code, exc.message, fields), status=code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("There is nothing at this address, or you may not see it."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging take it
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _("Some fields need attention."), _fields(exc.detail))
        return response
    if isinstance(exc, exceptions.AuthenticationFailed):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "not_authenticated"
        response.data = error_body(code, exc.detail)
        response.status_code = status.HTTP_401_UNAUTHORIZED
        return response
    code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), "error")
    response.data = error_body(code, _message(exc, context))
    if isinstance(exc, MalformedRequest) and exc.parser_detail:
        # The parser's own words, untranslated, for the developer reading the log.
        response.data["detail"] = exc.parser_detail
    return response


def _message(exc, context) -> str:
    """Our own words for DRF's exceptions, so they come in the request's language."""
    if isinstance(exc, exceptions.Throttled):
        request = context.get("request")
        if getattr(request, "auth", None) is None:
            message = _("Too many requests from your address. Try again in %(seconds)d seconds.")
        else:
            message = _("Too many requests with this token. Try again in %(seconds)d seconds.")
        return message % {"seconds": exc.wait or 1}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _(
            "This body's type is not taken here. Send JSON (Content-Type: application/json); "
            "only the attendance upload takes a multipart form."
        )
    if isinstance(exc, exceptions.NotAcceptable):
        return _("The API answers in JSON only: accept application/json (or send no Accept).")
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Send an API token in the Authorization header: “Authorization: Bearer <token>”.")
    if isinstance(exc, exceptions.PermissionDenied):
        return _("Your role does not allow this. Ask an administrator for the right role.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("This address does not take %(method)s requests.") % {
            "method": exc.args[0] if exc.args else ""
        }
    return str(exc.detail)


@csrf_exempt  # a POST to an unknown address is a 404, not the CSRF page's HTML 403
def api_not_found(request, *args, **kwargs):
    """Unknown addresses under /api/ answer in JSON too, not with the site's HTML 404 page."""
    return JsonResponse(
        error_body("not_found", _("There is nothing at this address, or you may not see it.")),
        status=404,
    )
