"""`Idempotency-Key`: a create sent again with the same key (a retry after a timeout) gets the
first answer again, and nothing is made twice.

The key row is inserted first, in the transaction that does the work, so the unique index on
(token, key) serialises copies of one request arriving at once: the second copy's insert waits
for the first transaction, then fails, and the second copy replays the stored answer. If the
work fails unexpectedly (a 5xx) everything rolls back, key included, and a retry runs afresh.

What is stored: answers of requests that ran, successes and the domain's refusals (409, 422),
so that a retry learns the same outcome. A request refused before it ran (invalid input, 400;
an unknown seminar, 404) stores nothing and may be corrected and sent again with the key.

Keys are kept for KEY_LIFETIME; `idempotency_keys_expire` (run by the scheduler through
registrations.periodic) forgets older ones.
"""

import functools
import hashlib
import json
import re
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from registrations.errors import RegistrationError

from .models import ApiToken, IdempotencyKey

HEADER = "Idempotency-Key"
KEY_LIFETIME = timedelta(hours=24)
KEY_PATTERN = re.compile(r"[\x21-\x7e][\x20-\x7e]{0,254}")
STORED_STATUSES = {200, 201, 409, 422}

KEY_INVALID = _("The Idempotency-Key header must be 1 to 255 printable ASCII characters.")
KEY_REUSED = _(
    "This Idempotency-Key was used with a different request. Use a new key for a new request."
)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID) of 1-255 printable characters. Sending the same "
    "request again with the same key within 24 hours answers as the first time and creates "
    "nothing new; the same key with a different request is refused (422, "
    "idempotency_key_reused).",
)


class IdempotencyKeyReused(RegistrationError):
    code = "idempotency_key_reused"
    message = KEY_REUSED


def _digest_value(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "sha256": digest.hexdigest()}
    return value


def request_digest(request) -> str:
    """The method, path and parsed body (keys in any order, files by their contents)."""
    data = request.data
    if hasattr(data, "lists"):  # a QueryDict: a form or multipart upload
        body = {key: [_digest_value(v) for v in values] for key, values in data.lists()}
    else:
        body = data
    payload = json.dumps(
        [request.method, request.path, body], sort_keys=True, default=str, ensure_ascii=False
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _replay(row: IdempotencyKey, digest: str) -> Response:
    if row.request_digest != digest:
        raise IdempotencyKeyReused
    response = Response(row.response_body, status=row.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(handler):
    """Decorate a view's `post` that creates something: with an Idempotency-Key header the
    request is answered once and replayed after."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not KEY_PATTERN.fullmatch(key) or not isinstance(request.auth, ApiToken):
            raise exceptions.ValidationError(
                {HEADER: [exceptions.ErrorDetail(KEY_INVALID, code="invalid")]}
            )
        digest = request_digest(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = IdempotencyKey.objects.create(
                        token=request.auth, key=key, request_digest=digest, status_code=0
                    )
            except IntegrityError:
                # Another copy holds or held the key: its transaction has ended by now.
                row = IdempotencyKey.objects.get(token=request.auth, key=key)
                return _replay(row, digest)
            try:
                with transaction.atomic():
                    response = handler(view, request, *args, **kwargs)
            except RegistrationError as error:
                # The domain refused: that is the outcome, kept like a success.
                response = view.handle_exception(error)
            if response.status_code not in STORED_STATUSES:
                transaction.set_rollback(True)
                return response
            row.status_code = response.status_code
            row.response_body = json.loads(JSONRenderer().render(response.data))
            row.save(update_fields=["status_code", "response_body"])
            return response

    return wrapper


def idempotency_keys_expire(*, now: datetime | None = None) -> int:
    """Forget keys older than KEY_LIFETIME; returns how many."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
