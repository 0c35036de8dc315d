"""The email of admission's periodic review: an admitted organisation's focal points are
told that its admission to the process is due for review (queued by
`review.remind_reviews`, written by a worker through the outbox). No personal link: the
secretariat writes or calls back. Cancelled when the admission is no longer admitted or
no longer due, or has no focal point with an address."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from summitdesk.admission.emails import email_language
from summitdesk.admission.enums import AdmissionStatus
from summitdesk.admission.models import Admission
from summitdesk.correspondence import compose, messages
from summitdesk.correspondence.enums import MessageKind
from summitdesk.correspondence.messages import Cancelled, Composed, Kind
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Position
from summitdesk.lib import mail
from summitdesk.lib.dates import format_date
from summitdesk.lib.localized import localized


def queue_review_due(admission: Admission) -> None:
    """Put the reminder in the outbox, in the transaction that found the review due."""
    messages.queue(
        [
            messages.draft(
                MessageKind.ADMISSION_REVIEW_DUE,
                organisation_id=admission.organisation_id,
                about=admission,
            )
        ]
    )


def compose_review_due(row: OutboundMessage) -> Composed | Cancelled:
    admission = (
        Admission.objects.select_related("organisation", "process")
        .filter(pk=row.about_id or 0)
        .first()
    )
    if admission is None or admission.status != AdmissionStatus.ADMITTED:
        return Cancelled(_("The organisation is no longer admitted."))
    if admission.next_review_on is None or admission.next_review_on > timezone.localdate():
        return Cancelled(_("The review is no longer due."))
    focal_points = [
        position.person
        for position in Position.objects.filter(
            organisation=admission.organisation, role=PositionRole.FOCAL_POINT
        ).select_related("person")
        if position.person.email
    ]
    if not focal_points:
        return Cancelled(_("The organisation has no focal point with an email address."))
    organisation = admission.organisation
    language = email_language(organisation.language)
    with translation.override(compose.django_language(language)):
        process = localized(admission.process, "name")
        body = render_to_string(
            "admission/email/review_due.txt",
            {
                "name": " ".join(
                    part
                    for part in (focal_points[0].given_name, focal_points[0].family_name)
                    if part
                ),
                "organisation": organisation.name,
                "process": process,
                "admitted_on": format_date(admission.admitted_on),
                "due_on": format_date(admission.next_review_on),
            },
        )
        subject = _("Review of your organisation's admission: %(process)s") % {"process": process}
    return Composed(
        subject=subject,
        body=mail.tidy(body),
        to=[person.email for person in focal_points],
        language=language,
    )


messages.register(MessageKind.ADMISSION_REVIEW_DUE, Kind(compose=compose_review_due))
