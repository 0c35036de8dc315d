"""One outbox row's letter and email: what it says, in the recipient's language.

`letter_for` builds the `Letter` (merged, translated labels, the personal reply link) that
letters.render_letter lays out; `email_text` the subject and plain-text body stored on the
row; `email_for` the email that carries it, with the HTML alternative made from that same
text. Nothing here sends, stores or issues links: sending.py does, so that each of those
happens once, at a known point of the outbox's state machine.

Queries: a `MailingContext` holds what is the same for every row of a mailing (circular,
its texts, meeting), loaded once; rows come with their invitation and organisation, and
the chief executive's position when prefetched (see sending.claim).
"""

import functools
import gettext
import re
import secrets
import sys
from dataclasses import dataclass
from datetime import date, datetime
from email.message import Message
from email.utils import make_msgid, parseaddr
from typing import Any

import pycountry
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from summitdesk.correspondence import merge_fields, reply_links, services
from summitdesk.correspondence.enums import Enclosure, MailingKind, ReminderTarget
from summitdesk.correspondence.letters import RTL_LANGUAGES, Letter
from summitdesk.correspondence.models import (
    Circular,
    CircularText,
    Mailing,
    OutboundMessage,
)
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation, Position
from summitdesk.lib import countries, dates, locales
from summitdesk.lib.dates import django_language as django_language  # used by the emails
from summitdesk.lib.localized import localized
from summitdesk.lib.text import fold
from summitdesk.meetings.models import Meeting

#: The letter's printed labels, translatable; see letters.DEFAULT_LABELS for the keys.
LABELS: dict[str, Promise] = {
    "ref": gettext_lazy("Ref:"),
    "to": gettext_lazy("To:"),
    "contact": gettext_lazy("Contact:"),
    "tel": gettext_lazy("Tel:"),
    "fax": gettext_lazy("Fax:"),
    "email": gettext_lazy("E-Mail:"),
    "subject": gettext_lazy("Subject:"),
    "enclosures": gettext_lazy("Encl.:"),
    "reply": gettext_lazy("Reply online:"),
    "reply_deadline": gettext_lazy("Please reply by"),
}

#: The usual salutation and closing of a formal letter, offered in each language a
#: catalogue translates them into (`greetings`).
GREETINGS: dict[str, Promise] = {
    "salutation": gettext_lazy("Dear Sir/Madam,"),
    "closing": gettext_lazy("Yours faithfully,"),
}

#: Printed on a letter whose text the secretariat translated (CircularText.secretariat_translation).
TRANSLATION_NOTE = gettext_lazy(
    "Translation by the secretariat, for information: not an official version of this letter."
)

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")
_FILE_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+")


class ComposeError(Exception):
    """A letter cannot be written from the data as it is; the message says what to fix."""


@dataclass(frozen=True)
class MailingContext:
    """What every row of one mailing shares, loaded once per mailing."""

    mailing: Mailing
    circular: Circular
    meeting: Meeting

    @classmethod
    def load(cls, mailing_id: int) -> "MailingContext":
        mailing = (
            Mailing.objects.select_related("circular__meeting")
            .prefetch_related("circular__texts")
            .get(pk=mailing_id)
        )
        return cls(mailing=mailing, circular=mailing.circular, meeting=mailing.circular.meeting)

    @property
    def is_reminder(self) -> bool:
        return self.mailing.kind == MailingKind.REMINDER

    def text_for(self, language: str) -> CircularText:
        text = services.text_for(self.circular, language)
        if text is None:
            raise ComposeError(
                _("Circular %(reference)s has no text in English, nor in %(language)s.")
                % {"reference": self.circular.reference, "language": language}
            )
        return text


def greetings(language: str) -> dict[str, str]:
    """The usual salutation and closing in `language`, as its catalogue gives them; empty
    for a language that does not translate them (no English text offered as another)."""
    with translation.override(None):
        english = {part: str(text) for part, text in GREETINGS.items()}
    if language == "en":
        return english
    with translation.override(django_language(language)):
        found = {part: str(text) for part, text in GREETINGS.items()}
    return {part: text for part, text in found.items() if text != english[part]}


def format_date(value: date, language: str) -> str:
    """`value` written out in `language`: "9 July 2003", "9 juillet 2003" (lib/dates.py)."""
    return dates.format_date(value, language)


def format_deadline(deadline: datetime | None, time_zone: str, language: str) -> str:
    """The reply deadline in the meeting's time zone, which it names, since the recipient
    may be anywhere: "12 September 2003, 18:00 (Europe/Zurich)". Empty without a deadline."""
    return dates.format_datetime(deadline, time_zone, language)


def information_pack_url(meeting: Meeting) -> str:
    return f"{settings.SUMMITDESK_BASE_URL}/meetings/{meeting.code}/information-pack/"


@functools.cache
def _country_catalogue(language: str) -> gettext.NullTranslations:
    code = {"zh": "zh_CN"}.get(language, language)
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code], fallback=True)


@functools.cache
def _country_names(code: str) -> frozenset[str]:
    """Every name of country `code` in the six languages, folded: how an address that
    already ends with its country is recognised, whatever language it was written in."""
    entry = pycountry.countries.get(alpha_2=code)
    if entry is None:
        return frozenset({fold(code)})
    english = {
        str(getattr(entry, attribute))
        for attribute in ("name", "common_name", "official_name")
        if getattr(entry, attribute, None)
    }
    names = set(english)
    for language in ("ar", "zh", "fr", "ru", "es"):
        catalogue = _country_catalogue(language)
        names.update(catalogue.gettext(name) for name in english)
        names.add(countries.country_name(code, django_language(language)))
    return frozenset(fold(name) for name in names)


def country_name(organisation: Organisation, language: str) -> str:
    """The organisation's country, named in the letter's language (lib.countries)."""
    return countries.country_name(organisation.country, django_language(language))


def chief_executive(organisation: Organisation) -> Position | None:
    # Reads the prefetched positions when the caller fetched them (sending does).
    for position in organisation.positions.all():
        if position.role == PositionRole.CHIEF_EXECUTIVE:
            return position
    return None


def person_name(position: Position | None) -> tuple[str, str]:
    """(title, given and family name) of the position's holder; empty without one."""
    if position is None:
        return "", ""
    person = position.person
    name = " ".join(part for part in (person.given_name, person.family_name) if part)
    return person.title, name


def addressee(organisation: Organisation, ceo: Position | None, language: str) -> list[str]:
    """The address block: the chief executive and their function, the organisation, its
    postal address, its country (unless the address already ends with it)."""
    title, name = person_name(ceo)
    lines = [" ".join(part for part in (title, name) if part)]
    if ceo is not None:
        lines.append(ceo.function)
    lines.append(organisation.name)
    address = [line.strip() for line in organisation.address.splitlines() if line.strip()]
    lines.extend(address)
    if not address or fold(address[-1].strip()) not in _country_names(organisation.country):
        lines.append(country_name(organisation, language))
    return [line for line in lines if line]


def merge_values(
    context: MailingContext,
    organisation: Organisation,
    ceo: Position | None,
    *,
    reply_url: str,
    deadline: str,
    language: str,
) -> dict[str, str]:
    """The value of every merge field (merge_fields.FIELDS) for one organisation."""
    title, name = person_name(ceo)
    return {
        "organisation": organisation.name,
        "acronym": organisation.acronym,
        "chief_executive": " ".join(part for part in (title, name) if part),
        "chief_executive_title": title,
        "chief_executive_name": name,
        "country": country_name(organisation, language),
        "reply_link": reply_url,
        "deadline": deadline,
        "reference": context.circular.reference,
        "meeting": localized(context.meeting, "title"),
    }


def paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; the lines of one paragraph flow together."""
    found = []
    for block in _PARAGRAPH_BREAK.split(text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines:
            found.append(" ".join(lines))
    return found


def enclosures(circular: Circular, meeting: Meeting) -> list[str]:
    """The enclosures' labels in the active language; the information pack with its page,
    which replaces the CD-ROM the original letter enclosed."""
    labels = []
    for value in circular.enclosures:
        try:
            label = str(Enclosure(value).label)
        except ValueError:  # a free-text enclosure, printed as written
            label = str(value)
        if value == Enclosure.INFORMATION_PACK:
            address = information_pack_url(meeting)
            if translation.get_language_bidi():
                # Left to right inside a right-to-left line, so that its slashes stay put.
                address = f"\u2066{address}\u2069"
            label = _("%(enclosure)s: %(address)s") % {"enclosure": label, "address": address}
        labels.append(label)
    return labels


def letter_for(
    message: OutboundMessage,
    token: str,
    context: MailingContext | None = None,
    *,
    qr: bool = True,
) -> Letter:
    """The letter of outbox row `message`, carrying the reply link of `token`; without
    its QR code when `qr` is False (a letter shown as text, not printed).

    In the invitation's language when the circular has a text in it, else in English.
    Raises ComposeError when the circular has no usable text.
    """
    context = context or MailingContext.load(message.letter_mailing_id)
    invitation = message.letter_invitation
    organisation = invitation.organisation
    text = context.text_for(invitation.language)
    language = text.language
    ceo = chief_executive(organisation)
    reply_url = reply_links.reply_url(token)
    with translation.override(django_language(language)):
        deadline = format_deadline(
            context.circular.reply_deadline, context.meeting.time_zone, language
        )
        values = merge_values(
            context, organisation, ceo, reply_url=reply_url, deadline=deadline, language=language
        )
        subject = merge_fields.merge(text.subject, values)
        return Letter(
            language=language,
            direction="rtl" if language in RTL_LANGUAGES else "ltr",
            reference=context.circular.reference,
            date=format_date(context.circular.date, language),
            letterhead=[
                line.strip()
                for line in (text.letterhead or context.circular.letterhead).splitlines()
                if line.strip()
            ],
            addressee=addressee(organisation, ceo, language),
            addressees=text.addressees.strip() or context.circular.addressees,
            contact_name=text.contact_name.strip() or context.circular.contact_name,
            contact_tel=context.circular.contact_tel,
            contact_fax=context.circular.contact_fax,
            contact_email=context.circular.contact_email,
            subject=[line.strip() for line in subject.splitlines() if line.strip()],
            salutation=text.salutation,
            body=paragraphs(merge_fields.merge(text.body, values)),
            closing=text.closing,
            signatory_name=context.circular.signatory_name,
            signatory_titles=text.titles or context.circular.titles,
            enclosures=enclosures(context.circular, context.meeting),
            reply_url=reply_url,
            reply_deadline=deadline,
            labels={key: str(label) for key, label in LABELS.items()},
            translation_note=str(TRANSLATION_NOTE) if text.secretariat_translation else "",
            qr=qr,
        )


def attachment_name(message: OutboundMessage, context: MailingContext) -> str:
    """`DM-1048-ITU.pdf`: the reference and the organisation's acronym (else its number)."""
    organisation = message.letter_invitation.organisation
    acronym = _FILE_NAME_UNSAFE.sub("", organisation.acronym)
    reference = _FILE_NAME_UNSAFE.sub("-", context.circular.reference).strip("-.")
    return f"{reference}-{acronym or organisation.pk}.pdf"


def new_message_id() -> str:
    """A Message-ID of our own, chosen before sending and stored, so a message found in a
    mailbox or a server's log can be matched to its outbox row."""
    domain = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1].rpartition("@")[2]
    return make_msgid(domain=domain or "summitdesk.invalid")


def _subject_line(letter: Letter) -> str:
    # An email subject is one line; a letter's subject may take two.
    return ", ".join(letter.subject)


def email_text(
    message: OutboundMessage, letter: Letter, context: MailingContext | None = None
) -> tuple[str, str]:
    """(subject, plain-text body) of the email carrying `letter`, stored on the row.

    A reminder's subject and opening quote the original circular's reference and date.
    """
    context = context or MailingContext.load(message.letter_mailing_id)
    subject_length = OutboundMessage._meta.get_field("subject").max_length or 300
    data: dict[str, Any] = {
        "letter": letter,
        "subject": _subject_line(letter),
        "attachment": attachment_name(message, context),
    }
    with translation.override(django_language(letter.language)):
        if context.is_reminder and context.mailing.target == ReminderTarget.DOCUMENT_MISSING:
            subject = _("Documents missing: %(subject)s (Ref. %(reference)s of %(date)s)") % {
                "subject": data["subject"],
                "reference": letter.reference,
                "date": letter.date,
            }
            body = render_to_string("correspondence/email/reminder_documents.txt", data)
        elif context.is_reminder:
            subject = _("Reminder: %(subject)s (Ref. %(reference)s of %(date)s)") % {
                "subject": data["subject"],
                "reference": letter.reference,
                "date": letter.date,
            }
            body = render_to_string("correspondence/email/reminder.txt", data)
        else:
            subject = data["subject"]
            body = render_to_string("correspondence/email/letter.txt", data)
    return subject[:subject_length], _tidy(body)


def _tidy(text: str) -> str:
    """Template output as plain text: no trailing spaces, never two blank lines in a row."""
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return _BLANK_LINES.sub("\n\n", lines) + "\n"


def _linked(text: str) -> str:
    """`text` escaped, SummitDesk's own web addresses (the reply link, the information
    pack) made links (a trailing full stop or bracket is the sentence's, not the
    address's). Any other address stays text: a body carries names and organisation
    names typed outside, and mail from the summit's address must not turn them into
    links to somewhere else."""
    own = f"{settings.SUMMITDESK_BASE_URL}/"
    parts: list[str] = []
    position = 0
    for match in _WEB_ADDRESS.finditer(text):
        address = match.group(0).rstrip(".,;:!?)")
        if not address.startswith(own):
            continue
        parts.append(escape(text[position : match.start()]))
        parts.append(f'<a href="{escape(address)}">{escape(address)}</a>')
        position = match.start() + len(address)
    parts.append(escape(text[position:]))
    return "".join(parts)


#: A name isolated in plain text (lib.locales.isolate): FSI, the name, PDI.
_ISOLATED = re.compile(f"{locales.FSI}([^{locales.FSI}{locales.PDI}]*){locales.PDI}")


def _isolated(html: str) -> str:
    """Escaped text with its names isolated in plain text (FSI ... PDI) made <bdi>."""
    return _ISOLATED.sub(r"<bdi>\1</bdi>", html)


def html_paragraphs(text: str) -> SafeString:
    """Plain text as HTML: blank lines make paragraphs, line ends <br>, our addresses links,
    names isolated for direction <bdi>; everything else escaped. Django's
    `linebreaks|urlize` does the same, several times slower on a letter's length, and mail
    goes out by the thousand."""
    paragraphs = _PARAGRAPH_BREAK.split(text.strip())
    return mark_safe(  # noqa: S308 -- every piece of text has been escaped by _linked
        "\n".join(
            "<p>"
            + "<br>\n".join(_isolated(_linked(line)) for line in paragraph.split("\n"))
            + "</p>"
            for paragraph in paragraphs
            if paragraph.strip()
        )
    )


def html_body(text: str, *, subject: str, language: str) -> str:
    """The HTML alternative of a plain-text body: the same words, escaped, paragraphs and
    SummitDesk's own links made HTML. Made from the stored text so that both parts always
    say the same."""
    with translation.override(django_language(language)):
        return render_to_string(
            "correspondence/email/message.html",
            {
                "body": html_paragraphs(text),
                "subject": subject,
                "language": language,
                "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
            },
        )


class LetterEmail(EmailMultiAlternatives):
    """An email whose MIME boundaries are chosen when it is built, not while it is written.

    Python's generator otherwise picks each boundary by compiling a new regular expression
    and running it over the whole message, the base64 letter included: most of the time
    that turning a letter's email into bytes takes. The boundaries look the same; each is
    checked against every part's text instead (a substring, so a stricter test than the
    generator's own line match); base64 holds no "-" and could not contain one anyway.
    """

    def message(self, *args: Any, **kwargs: Any) -> Any:
        built = super().message(*args, **kwargs)
        set_boundaries(built)
        return built


def set_boundaries(message: Message) -> None:
    """Give every multipart of `message` without a boundary one found in none of its parts."""
    texts = [
        part.get_payload()
        for part in message.walk()
        if not part.is_multipart() and isinstance(part.get_payload(), str)
    ]
    chosen: set[str] = set()
    for part in message.walk():
        if not part.is_multipart() or part.get_boundary() is not None:
            continue
        while True:
            # The generator's own form: 15 "=", a random 19-digit number, "==".
            boundary = f"{'=' * 15}{secrets.randbelow(sys.maxsize):019d}=="
            if boundary not in chosen and not any(boundary in text for text in texts):
                break
        chosen.add(boundary)
        part.set_boundary(boundary)


def email_for(
    message: OutboundMessage,
    letter_pdf: bytes,
    *,
    connection: BaseEmailBackend | None = None,
    context: MailingContext | None = None,
) -> EmailMultiAlternatives:
    """The email of a rendered outbox row (subject, body and Message-ID stored on it).

    To the row's `to`, copy to its `cc`; from the no-reply address, replies to the
    circular's contact e-mail; the letter attached as `DM-1048-<acronym>.pdf`. A reminder
    refers to the original letter's Message-ID, so that mail programs show them together.
    """
    context = context or MailingContext.load(message.letter_mailing_id)
    language = context.text_for(message.letter_invitation.language).language
    headers = {
        "Message-ID": message.message_id,
        "X-SummitDesk-Reference": context.circular.reference,
        "Content-Language": language,
    }
    if context.is_reminder:
        original = (
            OutboundMessage.objects.filter(
                invitation=message.letter_invitation, mailing__kind=MailingKind.LETTER
            )
            .exclude(message_id="")
            .values_list("message_id", flat=True)
            .first()
        )
        if original:
            headers["In-Reply-To"] = original
            headers["References"] = original
    email = LetterEmail(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        reply_to=[context.circular.contact_email] if context.circular.contact_email else None,
        headers=headers,
        connection=connection,
    )
    email.attach_alternative(
        html_body(message.body, subject=message.subject, language=language), "text/html"
    )
    email.attach(attachment_name(message, context), letter_pdf, "application/pdf")
    return email


def token_in(body: str) -> str | None:
    """The reply token carried by a stored email body, or None.

    The token is stored nowhere else (only its hash is), so this is how a letter already
    written can be printed again with the same live link (outbox.combined_pdf).
    """
    prefix = reply_links.reply_url("\0").partition("\0")[0]
    match = re.search(re.escape(prefix) + r"([A-Za-z0-9_-]+)/", body)
    return match.group(1) if match else None
