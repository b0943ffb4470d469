"""What a bulk action on registrations is about to do, in words, before the organiser agrees.

Each preview reads the selection and says whom the action changes, what follows from it (who is
promoted from the waitlist when seats are freed), which emails go out and to how many, and which
selected rows it leaves alone. It changes nothing; the action itself runs only after the
organiser confirms (see confirmation.py). The promotion preview asks `waitlist_next`, the
selector the promotion service itself uses, so the page cannot name someone else.
"""

import copy
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext, ngettext, pgettext

from registrations.models import Registration
from registrations.selectors import waitlist_next
from registrations.services import DECLINE_MESSAGE_MAX_LENGTH
from seminar.models import AttendanceMode, RegistrationState, Seminar

from ..summary import text_list

Status = Registration.Status
# The page lists at most this many people per group and counts the rest, so selecting
# thousands of rows still gives a page that loads and reads.
LISTED_AT_MOST = 100
# How many names a one-line message gives before "and 7 more".
NAMED_AT_MOST = 5


@dataclass(frozen=True)
class AffectedGroup:
    heading: str
    registrations: list[Registration]

    @property
    def listed(self) -> list[Registration]:
        return self.registrations[:LISTED_AT_MOST]

    @property
    def unlisted(self) -> int:
        return max(len(self.registrations) - LISTED_AT_MOST, 0)


@dataclass(frozen=True)
class ActionOption:
    """A checkbox the organiser may tick on the confirmation page, or (kind "text") words they
    may write there; the action reads it."""

    name: str
    label: str
    kind: str = "checkbox"
    help_text: str = ""
    # What the organiser wrote, and why it was refused, when the page is shown again.
    value: str = ""
    error: str = ""


@dataclass(frozen=True)
class ActionPreview:
    title: str
    submit_label: str
    # Whom the action changes, then whom it changes as a consequence.
    groups: list[AffectedGroup]
    # One sentence per kind of email: which one, to how many. Empty: no email is sent.
    emails: list[str] = field(default_factory=list)
    # Selected rows the action leaves alone and why, and other things worth knowing first.
    notes: list[str] = field(default_factory=list)
    options: list[ActionOption] = field(default_factory=list)
    # Undoing it takes more than another click (a cancellation cannot be taken back): the
    # page shows the button in the admin's colour for deleting.
    destructive: bool = False

    @property
    def changes_anything(self) -> bool:
        return any(group.registrations for group in self.groups)


def names_summary(registrations: list[Registration]) -> str:
    """ "CHAN Tai Man 陳大文, WONG Ka Yan and 7 more", for a one-line message."""
    names = [registration.display_name for registration in registrations[:NAMED_AT_MOST]]
    rest = len(registrations) - len(names)
    if rest:
        names.append(ngettext("%(count)d more", "%(count)d more", rest) % {"count": rest})
    return text_list(names)


def _selected(queryset: QuerySet[Registration]) -> list[Registration]:
    return list(queryset.select_related("seminar").order_by("seminar_id", "pk"))


def seminar_where(seminar: Seminar, mode: str) -> str:
    """The seminar's title, and at a hybrid seminar which of its seats: "IP Seminar (Online)"."""
    if not seminar.is_hybrid:
        return seminar.title
    return pgettext("a seminar and one way to attend it", "%(seminar)s (%(mode)s)") % {
        "seminar": seminar.title,
        "mode": AttendanceMode(mode).label,
    }


def _in_the_room(seminar: Seminar, mode: str) -> bool:
    """Whether a seat email to someone attending `mode` carries the venue instead of the joining
    details: in the room at a hybrid seminar, everyone at an in-person one. Asked of the one
    rule the emails follow (Registration.gets_joining_details), on a registration not saved."""
    return not Registration(seminar=seminar, attendance_mode=mode).gets_joining_details


def _by_details(registrations: list[Registration]) -> Counter[bool]:
    """How many seat emails carry the venue (True) and how many the joining details (False)."""
    return Counter(_in_the_room(r.seminar, r.attendance_mode) for r in registrations)


def _promotion_emails(counts: Counter[bool]) -> list[str]:
    emails = []
    if count := counts[False]:
        emails.append(
            ngettext(
                "%(count)d email saying a seat is now theirs, with the joining details, to the "
                "person promoted.",
                "%(count)d emails saying a seat is now theirs, with the joining details, one to "
                "each person promoted.",
                count,
            )
            % {"count": count}
        )
    if count := counts[True]:
        emails.append(
            ngettext(
                "%(count)d email saying a seat in the room is now theirs, with the venue, to the "
                "person promoted to the room.",
                "%(count)d emails saying a seat in the room is now theirs, with the venue, one to "
                "each person promoted to the room.",
                count,
            )
            % {"count": count}
        )
    return emails


def _one_line(sentences: list[str]) -> str:
    """Sentences run together, as the language does it (no space between Chinese ones)."""
    line = ""
    for sentence in sentences:
        line = (
            pgettext("two sentences in a row", "%(first)s %(second)s")
            % {"first": line, "second": sentence}
            if line
            else sentence
        )
    return line


def _confirmation_emails(counts: Counter[bool]) -> list[str]:
    emails = []
    if count := counts[False]:
        emails.append(
            ngettext(
                "%(count)d confirmation email with the joining details, to the confirmed "
                "registrant.",
                "%(count)d confirmation emails with the joining details, one to each confirmed "
                "registrant.",
                count,
            )
            % {"count": count}
        )
    if count := counts[True]:
        emails.append(
            ngettext(
                "%(count)d confirmation email with the venue, to the registrant confirmed in the "
                "room.",
                "%(count)d confirmation emails with the venue, one to each registrant confirmed "
                "in the room.",
                count,
            )
            % {"count": count}
        )
    return emails


def _waitlist_email(count: int) -> str:
    return ngettext(
        "%(count)d email with their place on the waitlist, to the waitlisted registrant.",
        "%(count)d emails with their place on the waitlist, one to each waitlisted registrant.",
        count,
    ) % {"count": count}


def cancel_preview(queryset: QuerySet[Registration]) -> ActionPreview:
    """Cancelling frees confirmed seats, which go to the waitlist at once: name who gets them.

    The selected waitlisted registrations are cancelled before the confirmed ones (see the
    action), so they are never promoted on the way; the preview leaves them out of the waitlist.
    """
    selected = _selected(queryset)
    to_cancel = [registration for registration in selected if registration.is_active]
    # A hybrid seminar's room and online seats each go to their own waitlist.
    freed = Counter(
        (registration.seminar_id, registration.attendance_mode)
        for registration in to_cancel
        if registration.status == Status.CONFIRMED
    )
    seminars: dict[int, Seminar] = {r.seminar_id: r.seminar for r in to_cancel}
    cancelled_ids = [registration.pk for registration in to_cancel]
    groups = [
        AffectedGroup(
            ngettext(
                "This registration will be cancelled:",
                "These %(count)d registrations will be cancelled:",
                len(to_cancel),
            )
            % {"count": len(to_cancel)},
            to_cancel,
        )
    ]
    notes, promoted_count = [], Counter()
    for (seminar_id, mode), seats in freed.items():
        seminar = seminars[seminar_id]
        promoted = list(
            waitlist_next(seminar=seminar, mode=mode, seats_freed=seats, excluding=cancelled_ids)
        )
        promoted_count[_in_the_room(seminar, mode)] += len(promoted)
        if promoted:
            groups.append(
                AffectedGroup(
                    ngettext(
                        "The freed seat at “%(seminar)s” goes to the waitlist: this person will "
                        "be confirmed:",
                        "The freed seats at “%(seminar)s” go to the waitlist: these "
                        "%(count)d people will be confirmed:",
                        len(promoted),
                    )
                    % {"seminar": seminar_where(seminar, mode), "count": len(promoted)},
                    promoted,
                )
            )
        else:
            notes.append(
                gettext("Nobody is promoted from the waitlist of “%(seminar)s”.")
                % {"seminar": seminar_where(seminar, mode)}
            )
    emails = []
    if to_cancel:
        emails.append(
            ngettext(
                "%(count)d cancellation email, to the registrant whose registration is cancelled.",
                "%(count)d cancellation emails, one to each registrant whose registration is "
                "cancelled.",
                len(to_cancel),
            )
            % {"count": len(to_cancel)}
        )
    emails += _promotion_emails(promoted_count)
    if declined := sum(registration.status == Status.DECLINED for registration in selected):
        notes.insert(
            0,
            ngettext(
                "%(count)d selected registration was declined and is left alone.",
                "%(count)d selected registrations were declined and are left alone.",
                declined,
            )
            % {"count": declined},
        )
    if already := sum(registration.status == Status.CANCELLED for registration in selected):
        notes.insert(
            0,
            ngettext(
                "%(count)d selected registration is already cancelled and is left alone.",
                "%(count)d selected registrations are already cancelled and are left alone.",
                already,
            )
            % {"count": already},
        )
    return ActionPreview(
        title=gettext("Cancel registrations"),
        submit_label=gettext("Yes, cancel"),
        groups=groups,
        emails=emails,
        notes=notes,
        destructive=True,
    )


def resend_preview(queryset: QuerySet[Registration]) -> ActionPreview:
    """Each active registrant gets the email that matches their status now."""
    selected = _selected(queryset)
    active = [registration for registration in selected if registration.is_active]
    statuses = Counter(registration.status for registration in active)
    emails = _confirmation_emails(_by_details([r for r in active if r.status == Status.CONFIRMED]))
    if waitlisted := statuses[Status.WAITLISTED]:
        emails.append(_waitlist_email(waitlisted))
    if pending := statuses[Status.PENDING]:
        emails.append(
            ngettext(
                "%(count)d email saying the registration is received and under review, to the "
                "registrant awaiting approval.",
                "%(count)d emails saying the registration is received and under review, one to "
                "each registrant awaiting approval.",
                pending,
            )
            % {"count": pending}
        )
    notes = []
    if declined := sum(registration.status == Status.DECLINED for registration in selected):
        notes.append(
            ngettext(
                "%(count)d selected registration was declined: nothing is sent for it.",
                "%(count)d selected registrations were declined: nothing is sent for them.",
                declined,
            )
            % {"count": declined}
        )
    if cancelled := sum(registration.status == Status.CANCELLED for registration in selected):
        notes.append(
            ngettext(
                "%(count)d selected registration is cancelled: nothing is sent for it.",
                "%(count)d selected registrations are cancelled: nothing is sent for them.",
                cancelled,
            )
            % {"count": cancelled}
        )
    heading = ngettext(
        "This registrant will be emailed their details again:",
        "These %(count)d registrants will be emailed their details again:",
        len(active),
    ) % {"count": len(active)}
    return ActionPreview(
        title=gettext("Email details again"),
        submit_label=gettext("Yes, send"),
        groups=[AffectedGroup(heading, active)],
        emails=emails,
        notes=notes,
    )


def attendance_preview(*, attended: bool) -> Callable[[QuerySet[Registration]], ActionPreview]:
    """Only confirmed registrations take attendance; those already marked so stay as they are."""

    def preview(queryset: QuerySet[Registration]) -> ActionPreview:
        selected = _selected(queryset)
        confirmed = [r for r in selected if r.status == Status.CONFIRMED]
        changing = [r for r in confirmed if r.attended is not attended]
        if attended:
            title = gettext("Mark as attended")
            heading = ngettext(
                "This confirmed registration will be marked as attended:",
                "These %(count)d confirmed registrations will be marked as attended:",
                len(changing),
            )
        else:
            title = gettext("Mark as not attended")
            heading = ngettext(
                "This confirmed registration will be marked as not attended:",
                "These %(count)d confirmed registrations will be marked as not attended:",
                len(changing),
            )
        notes = []
        if unconfirmed := len(selected) - len(confirmed):
            notes.append(
                ngettext(
                    "%(count)d selected registration is not confirmed and is left alone.",
                    "%(count)d selected registrations are not confirmed and are left alone.",
                    unconfirmed,
                )
                % {"count": unconfirmed}
            )
        if unchanged := len(confirmed) - len(changing):
            notes.append(
                ngettext(
                    "%(count)d selected registration already says so and stays as it is.",
                    "%(count)d selected registrations already say so and stay as they are.",
                    unchanged,
                )
                % {"count": unchanged}
            )
        return ActionPreview(
            title=title,
            submit_label=gettext("Yes, record it"),
            groups=[AffectedGroup(heading % {"count": len(changing)}, changing)],
            notes=notes,
        )

    return preview


ALLOW_OVER_CAPACITY = "allow_over_capacity"


def confirm_from_waitlist_preview(queryset: QuerySet[Registration]) -> ActionPreview:
    """Confirming out of turn needs free seats, unless the organiser allows over capacity.

    Where the selection does not fit the free seats, the page says who is confirmed with the
    box left unticked (the action goes in selection order, so the first ones get the seats) and
    what ticking it changes, rather than promising everyone a seat.
    """
    selected = _selected(queryset)
    waiting = [r for r in selected if r.status == Status.WAITLISTED]
    # A hybrid seminar's room and online seats are counted apart.
    per_seminar = Counter((r.seminar_id, r.attendance_mode) for r in waiting)
    seminars = {registration.seminar_id: registration.seminar for registration in waiting}
    notes = []
    if others := len(selected) - len(waiting):
        notes.append(
            ngettext(
                "%(count)d selected registration is not on the waitlist and is left alone.",
                "%(count)d selected registrations are not on the waitlist and are left alone.",
                others,
            )
            % {"count": others}
        )
    # Counted by what the email carries: the venue to the room at a hybrid seminar, else the
    # joining details.
    confirmed_unticked, confirmed_ticked = Counter(), Counter()
    for (seminar_id, mode), count in per_seminar.items():
        seminar = seminars[seminar_id]
        in_the_room = _in_the_room(seminar, mode)
        confirmed_ticked[in_the_room] += count
        seats = seminar.seats_left_for(mode)
        if seats is None or seats >= count:
            confirmed_unticked[in_the_room] += count
            continue
        seats = max(seats, 0)
        confirmed_unticked[in_the_room] += seats
        notes.append(
            _short_of_seats_note(where=seminar_where(seminar, mode), seats=seats, count=count)
        )
    if confirmed_unticked == confirmed_ticked:
        heading = ngettext(
            "This waitlisted registration will be confirmed:",
            "These %(count)d waitlisted registrations will be confirmed:",
            len(waiting),
        )
        emails = _promotion_emails(confirmed_ticked)
    else:
        heading = ngettext(
            "This waitlisted registration is selected to be confirmed:",
            "These %(count)d waitlisted registrations are selected to be confirmed:",
            len(waiting),
        )
        unticked = _one_line(_promotion_emails(confirmed_unticked)) or gettext("No email is sent.")
        emails = [
            gettext("Without “Allow over capacity”: %(emails)s") % {"emails": unticked},
            gettext("With “Allow over capacity” ticked: %(emails)s")
            % {"emails": _one_line(_promotion_emails(confirmed_ticked))},
        ]
    return ActionPreview(
        title=gettext("Confirm from the waitlist"),
        submit_label=gettext("Confirm"),
        groups=[AffectedGroup(heading % {"count": len(waiting)}, waiting)],
        emails=emails,
        notes=notes,
        options=[
            ActionOption(
                ALLOW_OVER_CAPACITY,
                gettext("Allow over capacity: if the seminar is full, raise its capacity to fit"),
            )
        ],
    )


def _short_of_seats_note(*, where: str, seats: int, count: int) -> str:
    """What happens at a seminar with fewer free seats than selected registrations, box unticked
    and ticked."""
    if seats == 0:
        return ngettext(
            "“%(seminar)s” is full: unless you tick “Allow over capacity”, nobody can be "
            "confirmed and the selected registration stays on the waitlist. Ticking it confirms "
            "the registration and raises the capacity by %(count)d to fit.",
            "“%(seminar)s” is full: unless you tick “Allow over capacity”, nobody can be "
            "confirmed and the %(count)d selected registrations stay on the waitlist. Ticking it "
            "confirms all of them and raises the capacity by %(count)d to fit.",
            count,
        ) % {"seminar": where, "count": count}
    # Here count > seats >= 1, so the sentence is always about several registrations.
    return ngettext(
        "“%(seminar)s” has %(seats)d free seat for %(count)d selected registrations: unless you "
        "tick “Allow over capacity”, only the first is confirmed and the others stay on the "
        "waitlist. Ticking it confirms all %(count)d and raises the capacity to fit.",
        "“%(seminar)s” has %(seats)d free seats for %(count)d selected registrations: unless "
        "you tick “Allow over capacity”, only the first %(seats)d are confirmed and the others "
        "stay on the waitlist. Ticking it confirms all %(count)d and raises the capacity to fit.",
        seats,
    ) % {"seminar": where, "seats": seats, "count": count}


def approval_refused(*, seminar: Seminar, mode: str, state: str) -> str:
    """Why a seminar takes no more approvals, in an organiser's words: what to change first."""
    where = seminar_where(seminar, mode)
    if state == RegistrationState.FULL:
        return gettext(
            "“%(seminar)s” is full and takes no waitlist: raise its capacity or switch its "
            "waitlist on first."
        ) % {"seminar": where}
    return gettext("“%(seminar)s” is not taking registrations: it is a draft or cancelled.") % {
        "seminar": where
    }


def _approvals_foresee(pending: list[Registration]) -> dict[int, str]:
    """What approving each registration, in this order, will make of it: confirmed, waitlisted,
    or why its seminar takes no more (a RegistrationState). Asks each seminar's own availability
    rule (the one the booking service applies), on a copy that counts the seats taken on the
    way."""
    seminars: dict[int, Seminar] = {}
    outcomes: dict[int, str] = {}
    for registration in pending:
        seminar = seminars.setdefault(registration.seminar_id, copy.copy(registration.seminar))
        mode = registration.attendance_mode
        state = seminar.availability(ignore_window=True, mode=mode).state
        if state == RegistrationState.OPEN:
            _capacity, taken = seminar.seat_counter(mode)
            setattr(seminar, taken, getattr(seminar, taken) + 1)
            outcomes[registration.pk] = Status.CONFIRMED
        elif state == RegistrationState.WAITLIST:
            outcomes[registration.pk] = Status.WAITLISTED
        else:
            outcomes[registration.pk] = state
    return outcomes


def _not_pending_notes(*, selected: list, pending: list) -> list[str]:
    """Approving and declining leave alone what is not awaiting approval; say so if any."""
    others = len(selected) - len(pending)
    if not others:
        return []
    return [
        ngettext(
            "%(count)d selected registration is not awaiting approval and is left alone.",
            "%(count)d selected registrations are not awaiting approval and are left alone.",
            others,
        )
        % {"count": others}
    ]


def approve_preview(queryset: QuerySet[Registration]) -> ActionPreview:
    """Approving books seats as the public form does, in the order the registrations came in
    (the action goes in that order): who is confirmed, who joins a waitlist because its seats
    are taken, and who cannot be approved because the seminar takes no more."""
    selected = _selected(queryset)
    pending = sorted(
        (registration for registration in selected if registration.status == Status.PENDING),
        key=lambda registration: registration.pk,
    )
    outcomes = _approvals_foresee(pending)
    confirmed = [r for r in pending if outcomes[r.pk] == Status.CONFIRMED]
    waitlisted = [r for r in pending if outcomes[r.pk] == Status.WAITLISTED]
    refused: dict[tuple[int, str, str], list[Registration]] = defaultdict(list)
    for registration in pending:
        if outcomes[registration.pk] not in (Status.CONFIRMED, Status.WAITLISTED):
            key = (registration.seminar_id, registration.attendance_mode, outcomes[registration.pk])
            refused[key].append(registration)
    groups = [
        AffectedGroup(
            ngettext(
                "This registration will be approved and confirmed:",
                "These %(count)d registrations will be approved and confirmed:",
                len(confirmed),
            )
            % {"count": len(confirmed)},
            confirmed,
        ),
        AffectedGroup(
            ngettext(
                "This registration will be approved and join the waitlist, as no seat is free:",
                "These %(count)d registrations will be approved and join the waitlist, as no "
                "seat is free:",
                len(waitlisted),
            )
            % {"count": len(waitlisted)},
            waitlisted,
        ),
    ]
    emails = _confirmation_emails(_by_details(confirmed))
    if waitlisted:
        emails.append(_waitlist_email(len(waitlisted)))
    notes = _not_pending_notes(selected=selected, pending=pending)
    for (_seminar_id, mode, state), registrations in refused.items():
        notes.append(
            ngettext(
                "%(count)d selected registration cannot be approved and stays pending. %(reason)s",
                "%(count)d selected registrations cannot be approved and stay pending. %(reason)s",
                len(registrations),
            )
            % {
                "count": len(registrations),
                "reason": approval_refused(
                    seminar=registrations[0].seminar, mode=mode, state=state
                ),
            }
        )
    return ActionPreview(
        title=ngettext("Approve registration", "Approve registrations", len(pending)),
        submit_label=gettext("Yes, approve"),
        groups=groups,
        emails=emails,
        notes=notes,
    )


DECLINE_MESSAGE = "message"


def decline_preview(
    queryset: QuerySet[Registration], *, message: str = "", error: str = ""
) -> ActionPreview:
    """Declining is final and emails each registrant, with the organiser's message if any.
    `message` and `error`: the message as written, and why it was refused, to show again."""
    selected = _selected(queryset)
    pending = [registration for registration in selected if registration.status == Status.PENDING]
    notes = _not_pending_notes(selected=selected, pending=pending)
    if pending:
        notes.append(
            gettext(
                "Declining is final: a declined registration cannot be approved later, and its "
                "email address cannot register for the seminar again."
            )
        )
    emails = (
        [
            ngettext(
                "%(count)d email saying the registration was not accepted, with your message if "
                "you write one below, to the registrant, in their own language.",
                "%(count)d emails saying the registration was not accepted, with your message if "
                "you write one below, one to each registrant, in their own language.",
                len(pending),
            )
            % {"count": len(pending)}
        ]
        if pending
        else []
    )
    return ActionPreview(
        title=ngettext("Decline registration", "Decline registrations", len(pending)),
        submit_label=gettext("Yes, decline"),
        groups=[
            AffectedGroup(
                ngettext(
                    "This registration will be declined:",
                    "These %(count)d registrations will be declined:",
                    len(pending),
                )
                % {"count": len(pending)},
                pending,
            )
        ],
        emails=emails,
        notes=notes,
        options=[
            ActionOption(
                DECLINE_MESSAGE,
                ngettext(
                    "Message to the registrant (optional)",
                    "Message to the registrants (optional)",
                    len(pending),
                ),
                kind="text",
                help_text=ngettext(
                    "Goes into the email under “Message from the organisers”, exactly as you "
                    "write it (at most %(limit)d characters). The rest of the email is in the "
                    "registrant's language.",
                    "Goes into the email under “Message from the organisers”, exactly as you "
                    "write it (at most %(limit)d characters), to everyone declined here. The rest "
                    "of the email is in each registrant's language.",
                    len(pending),
                )
                % {"limit": DECLINE_MESSAGE_MAX_LENGTH},
                value=message,
                error=str(error),
            )
        ],
        destructive=True,
    )
