"""Attendance imports through the API: upload a platform's report (a preview that changes
nothing, answering its plan), then apply it. The admin's services and permission."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.attendance_import import (
    attendance_import_apply,
    attendance_import_plan,
    attendance_import_preview,
)
from registrations.models import AttendanceImport

from ..idempotency import IDEMPOTENCY_PARAMETER, idempotent
from ..parsers import MultiPartParser
from ..serializers.attendance_import import (
    AttendanceApplySerializer,
    AttendanceImportSerializer,
    AttendancePlanSerializer,
    AttendanceUploadSerializer,
)
from .write_common import errors, seminar_get

PERMISSION = ["registrations.import_attendance"]


class AttendanceImportCreateView(APIView):
    required_permissions = {"POST": PERMISSION}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="attendance_import_create",
        summary="Upload an attendance report (preview)",
        description="Reads the report and answers what applying it would do; nothing changes "
        "until it is applied. A report naming nobody registered for the seminar is refused "
        "(422). The preview expires after a day.",
        request={"multipart/form-data": AttendanceUploadSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: AttendancePlanSerializer,
            **errors(400, 401, 403, 404, 413, 422, 429),
        },
        tags=["writes"],
    )
    @idempotent
    def post(self, request, slug: str):
        seminar = seminar_get(slug, user=request.user)
        serializer = AttendanceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["report"]
        batch = attendance_import_preview(
            seminar=seminar,
            data=upload.read(),
            file_name=upload.name or "",
            mark_absent=serializer.validated_data["mark_absent"],
            actor=request.user,
        )
        plan = attendance_import_plan(batch=batch)
        return Response(
            AttendancePlanSerializer((batch, plan)).data, status=status.HTTP_201_CREATED
        )


class AttendanceImportApplyView(APIView):
    required_permissions = {"POST": PERMISSION}

    @extend_schema(
        operation_id="attendance_import_apply",
        summary="Apply a previewed attendance import",
        description="All of it or nothing. Refused (422) when the plan changed since the "
        "`digest` given, another import was applied or reverted since the preview, the preview "
        "expired, or it was applied already (applying twice changes nothing).",
        request=AttendanceApplySerializer,
        responses={200: AttendanceImportSerializer, **errors(400, 401, 403, 404, 422, 429)},
        tags=["writes"],
    )
    def post(self, request, slug: str, pk: int):
        seminar = seminar_get(slug, user=request.user)
        batch = get_object_or_404(AttendanceImport, pk=pk, seminar=seminar)
        serializer = AttendanceApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = attendance_import_apply(
            batch=batch, actor=request.user, digest=serializer.validated_data.get("digest")
        )
        return Response(AttendanceImportSerializer(batch).data)
