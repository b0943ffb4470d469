from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registrations.models import Registration
from seminar.models import AttendanceMode, RegistrationState, Seminar

pytestmark = pytest.mark.django_db


def load_demo(password: str = "demo-pass-123") -> str:
    out = StringIO()
    call_command("load_demo", password=password, stdout=out)
    return out.getvalue()


def test_load_demo_recreates_the_2022_reference_seminar():
    load_demo()

    seminar = Seminar.objects.get(slug="2022-gd-hk-ip-sme-seminar")
    assert seminar.title_en.startswith("2022 Guangdong/Hong Kong Seminar on Intellectual Property")
    assert seminar.title_zh_hant.startswith("2022粵港知識產權")
    assert "IP Trading" in seminar.theme_en
    assert timezone.localtime(seminar.starts_at).date().isoformat() == "2022-08-12"
    assert seminar.is_over
    talks = seminar.sessions.filter(kind__in=["talk", "panel"])
    assert talks.count() == 5
    roles = Counter(seminar.partners.values_list("role", flat=True))
    assert roles == {"organiser": 3, "co_organiser": 1, "supporter": 2}
    confirmed = seminar.registrations.filter(status=Registration.Status.CONFIRMED).count()
    assert 260 <= confirmed <= 285  # "over 260 participants"
    assert seminar.seats_taken == confirmed
    types = set(seminar.registrations.values_list("participant_type", flat=True))
    regions = set(seminar.registrations.values_list("region", flat=True))
    assert {"sme", "ip_practitioner", "government"} <= types
    assert {"hong_kong", "mainland", "macao"} <= regions


def test_load_demo_adds_an_upcoming_edition_open_for_registration():
    load_demo()

    upcoming = Seminar.objects.filter(starts_at__gt=timezone.now(), format="online").get()
    assert upcoming.capacity == 300
    assert upcoming.availability().state == RegistrationState.OPEN
    assert (
        upcoming.sessions.count()
        == Seminar.objects.get(slug="2022-gd-hk-ip-sme-seminar").sessions.count()
    )


def test_load_demo_twice_creates_nothing_new_and_resets_the_organiser_password():
    load_demo(password="first-password")
    counts = (Seminar.objects.count(), Registration.objects.count())

    output = load_demo(password="second-password")

    assert (Seminar.objects.count(), Registration.objects.count()) == counts
    assert "second-password" in output
    organiser = get_user_model().objects.get(username="organiser")
    assert organiser.check_password("second-password")
    assert organiser.is_staff
    assert organiser.has_perm("registrations.view_registration")
    assert not organiser.has_perm("registrations.delete_registration")


def test_load_demo_sends_no_email_to_its_synthetic_people(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()

    assert mail.outbox == []


def test_the_upcoming_demo_seminar_asks_its_questions_and_has_answers_to_show():
    from registrations.models import Answer, Question
    from registrations.selectors import answer_breakdowns

    load_demo()

    # The online edition; not the hybrid one, which screens instead, nor last year's.
    upcoming = Seminar.objects.get(
        slug__endswith="-gd-hk-ip-sme-seminar-online", starts_at__gt=timezone.now()
    )
    assert upcoming.starts_at > timezone.now()
    questions = {question.kind: question for question in upcoming.questions.all()}
    declaration = questions[Question.Kind.DECLARATION]
    assert declaration.required
    assert "reserve the final right to accept any registration" in declaration.label_en
    assert "最終權利" in declaration.label_zh_hant and "最终权利" in declaration.label_zh_hans
    attend = questions[Question.Kind.CHOICE]
    assert attend.label_en == "How will you attend?"
    assert all(option.label_zh_hant and option.label_zh_hans for option in attend.options.all())
    cpd = questions[Question.Kind.SHORT_TEXT]
    assert cpd.personal_data and not cpd.required
    condition = cpd.conditions.get()
    assert (condition.field, condition.values) == ("participant_type", ["ip_practitioner"])
    assert questions[Question.Kind.MULTIPLE].label_zh_hans == "感兴趣的题目"
    # Only IP practitioners were asked for a membership number.
    asked = set(cpd.answers.values_list("registration__participant_type", flat=True))
    assert asked == {"ip_practitioner"}
    breakdowns = {b.title: b for b in answer_breakdowns(seminar=upcoming)}
    assert breakdowns["How will you attend?"].total > 0
    assert breakdowns["Topics of interest"].total > 0
    assert not upcoming.requires_approval

    counts = (Question.objects.count(), Answer.objects.count())
    load_demo()
    assert (Question.objects.count(), Answer.objects.count()) == counts


def test_load_demo_adds_a_hybrid_seminar_that_screens_its_registrations():
    load_demo()

    hybrid = Seminar.objects.get(format=Seminar.Format.HYBRID, ends_at__gt=timezone.now())
    assert hybrid.starts_at > timezone.now()
    assert (hybrid.capacity, hybrid.online_capacity) == (40, 300)
    assert hybrid.requires_approval
    assert "Hong Kong" in hybrid.venue_en and "香港" in hybrid.venue_zh_hant
    assert hybrid.availability(mode=AttendanceMode.ONLINE).state == RegistrationState.OPEN


def test_the_hybrid_demo_shows_every_state_in_each_way_of_attending():
    load_demo()

    hybrid = Seminar.objects.get(format=Seminar.Format.HYBRID, ends_at__gt=timezone.now())
    states = Counter(hybrid.registrations.values_list("attendance_mode", "status"))
    assert states[("in_person", "confirmed")] == hybrid.capacity == hybrid.seats_taken
    assert states[("online", "confirmed")] == hybrid.online_seats_taken > 0
    assert states[("in_person", "waitlisted")] > 0
    assert states[("in_person", "pending")] > 0 and states[("online", "pending")] > 0
    assert states[("in_person", "declined")] > 0 and states[("online", "declined")] > 0
    declined = hybrid.registrations.filter(status="declined").first()
    assert declined.notifications.get(kind="declined").note
    assert declined.reviewed_at is not None
    assert hybrid.audit_entries.filter(action="approved", actor__username="organiser").exists()


def test_load_demo_twice_leaves_the_hybrid_seminar_as_it_is():
    load_demo()
    before = list(Registration.objects.values_list("pk", "status", "attendance_mode"))

    output = load_demo()

    assert list(Registration.objects.values_list("pk", "status", "attendance_mode")) == before
    assert "hybrid seminar" in output and "already loaded" in output


def test_the_demo_questions_in_simplified_chinese_speak_as_the_rest_of_the_page():
    from registrations.demo_questions import QUESTIONS

    texts = []
    for _kind, _required, _personal, labels, help_texts, options, _condition in QUESTIONS.values():
        texts += [labels.get("zh_hans", ""), help_texts.get("zh_hans", "")]
        texts += [option_labels["zh_hans"] for _key, option_labels in options]

    # The catalogue says 你 and 主办方 throughout ("主办方的问题" heads these questions).
    assert not [text for text in texts if "您" in text or "主办机构" in text]
    assert "你将如何参加？" in texts
