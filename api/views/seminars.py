"""Seminars, their programme, the dashboard's figures and announcements: reads only.

Anyone may read published (and cancelled) seminars and their programmes, without a token. Staff
who may view seminars also see drafts; organisers (who may change seminars) get the private
settings. The figures and announcements need the dashboard's and announcements' view rights.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from registrations.announcements import announcements_with_progress
from registrations.models import Announcement
from registrations.questions import questions_applicable, seminar_fixed, seminar_questions
from registrations.selectors import answer_breakdowns, seminar_dashboard_figures
from seminar.selectors import seminar_drafts_visible, seminar_get_visible, seminars_visible

from ..pagination import SeminarPagination
from ..serializers.announcements import AnnouncementSerializer
from ..serializers.errors import error_responses
from ..serializers.figures import FiguresSerializer
from ..serializers.programme import ProgrammeSerializer
from ..serializers.questions import QuestionSerializer
from ..serializers.seminars import SeminarSerializer

SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The seminar's web address, e.g. `ip-2026`."
)


class PublicSeminarView(GenericAPIView):
    """Seminars as the caller may see them: no token needed for public ones."""

    permission_classes = [AllowAny]
    serializer_class = SeminarSerializer

    def drafts_visible(self) -> bool:
        return seminar_drafts_visible(user=self.request.user)

    def get_serializer_context(self) -> dict:
        private = self.request.user.has_perm("seminar.change_seminar")
        return {**super().get_serializer_context(), "private": private}


@extend_schema(
    tags=["seminars"],
    summary="List seminars",
    description="Published and cancelled seminars in the order they take place (drafts too for "
    "staff who may view seminars), in numbered pages. `private` holds the organisers' settings "
    "for tokens whose user may change seminars, and is null for everyone else.",
    responses={200: SeminarSerializer(many=True), **error_responses(400, 401, 404, 429)},
)
class SeminarListView(PublicSeminarView):
    pagination_class = SeminarPagination

    def get(self, request):
        seminars = seminars_visible(include_drafts=self.drafts_visible())
        page = self.paginate_queryset(seminars)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=["seminars"],
    summary="One seminar",
    description="A seminar by its web address; a draft answers 404 unless the token's user "
    "may view seminars.",
    parameters=[SLUG],
    responses={200: SeminarSerializer, **error_responses(401, 404, 429)},
)
class SeminarDetailView(PublicSeminarView):
    def get(self, request, slug: str):
        seminar = seminar_get_visible(slug=slug, include_drafts=self.drafts_visible())
        return Response(self.get_serializer(seminar).data)


@extend_schema(
    tags=["seminars"],
    summary="A seminar's programme",
    description="Its sessions in order (start time, then their order) with speakers, their "
    "roles and organisations; and its organisers, co-organisers and supporting organisations.",
    parameters=[SLUG],
    responses={200: ProgrammeSerializer, **error_responses(401, 404, 429)},
)
class ProgrammeView(PublicSeminarView):
    serializer_class = ProgrammeSerializer

    def get(self, request, slug: str):
        seminar = seminar_get_visible(
            slug=slug, include_drafts=self.drafts_visible(), programme=True
        )
        return Response(self.get_serializer(seminar).data)


@extend_schema(
    tags=["seminars"],
    summary="A seminar's questions",
    description="The questions the public registration form asks, in its order, for a program "
    "that registers people: `answers` in a registration takes {question id: value}. Each "
    "question says what to send, whether it is required, its options and when it is shown "
    "(`conditions`: an answer to a hidden question is ignored). Labels come in the request's "
    "language, and in every language under `texts`.",
    parameters=[SLUG],
    responses={200: QuestionSerializer(many=True), **error_responses(401, 404, 429)},
)
class QuestionsView(PublicSeminarView):
    serializer_class = QuestionSerializer

    def get(self, request, slug: str):
        seminar = seminar_get_visible(slug=slug, include_drafts=self.drafts_visible())
        # The public form's questions: those the seminar's own fixed values (a single
        # attendance mode) do not rule out.
        known = seminar_fixed(seminar)
        questions = questions_applicable(questions=seminar_questions(seminar=seminar), known=known)
        serializer = self.get_serializer(questions, many=True, context={"known": known})
        return Response(serializer.data)


@extend_schema(
    tags=["seminars"],
    summary="A seminar's figures",
    description="The dashboard's figures: headcounts, a hybrid seminar's seats per mode, "
    "breakdowns of active registrations by field and by answers to choice questions, and "
    "registrations per day. For viewers and organisers.",
    parameters=[SLUG],
    responses={200: FiguresSerializer, **error_responses(401, 403, 404, 429)},
)
class FiguresView(GenericAPIView):
    required_permissions = {"GET": ["registrations.view_dashboard"]}
    serializer_class = FiguresSerializer

    def get(self, request, slug: str):
        seminar = seminar_get_visible(slug=slug, include_drafts=True)
        figures = seminar_dashboard_figures(seminar=seminar)
        data = {
            "seminar": seminar.slug,
            "headcounts": figures.headcounts,
            "modes": figures.modes,
            "breakdowns": figures.breakdowns,
            "questions": answer_breakdowns(seminar=seminar),
            "per_day": [{"date": day, "count": count} for day, count in figures.per_day],
        }
        return Response(self.get_serializer(data).data)


@extend_schema(
    tags=["seminars"],
    summary="A seminar's announcements",
    description="Every announcement of the seminar, newest first, with its delivery: emails "
    "waiting, sent, failed and no longer applicable. Not paginated (a seminar has a few). For "
    "viewers and organisers.",
    parameters=[SLUG],
    responses={200: AnnouncementSerializer(many=True), **error_responses(401, 403, 404, 429)},
)
class AnnouncementListView(GenericAPIView):
    required_permissions = {"GET": ["registrations.view_announcement"]}
    serializer_class = AnnouncementSerializer

    def get(self, request, slug: str):
        seminar = seminar_get_visible(slug=slug, include_drafts=True)
        announcements = announcements_with_progress(
            Announcement.objects.filter(seminar=seminar).select_related("seminar")
        )
        return Response(self.get_serializer(announcements, many=True).data)
