"""Who may do what: the one table of staff roles by (data, action).

Every back-office check reads `GRANTS` (through `may` and `core.access.staff_view`), the
navigation reads it (the `may` template filter), and docs/security.md prints it (a test
keeps the two equal). A role added to `Role` must get a row here: the tests refuse a role
the table does not name, and a role without a row may do nothing.

The rule the table holds: no role reaches, through any path, data or an action its row
refuses. That is why the letters as sent and the stored mail, which carry the live
personal links of focal points and delegates (and a link opens the organisation's reply,
its delegates' identity data and photos), have their own row: every other role reads
them with the links withheld (`*.read_withheld`).
"""

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from summitdesk.core.enums import Role


class Permission(StrEnum):
    """One cell's column: `data.action`."""

    DIRECTORY_READ = "directory.read"
    DIRECTORY_CHANGE = "directory.change"
    MEETINGS_READ = "meetings.read"
    MEETINGS_CHANGE = "meetings.change"
    CIRCULARS_READ = "circulars.read"
    CIRCULARS_SEND = "circulars.send"
    LETTERS_AS_SENT_READ = "letters_as_sent.read"
    LETTERS_AS_SENT_READ_WITHHELD = "letters_as_sent.read_withheld"
    MAILBOX_READ = "mailbox.read"
    STORED_MAIL_READ = "stored_mail.read"
    STORED_MAIL_READ_WITHHELD = "stored_mail.read_withheld"
    REPLIES_READ = "replies.read"
    REPLIES_CHANGE = "replies.change"
    REPLY_LINKS_MANAGE = "reply_links.manage"
    PORTAL_ACT_AS_ORGANISATION = "portal.act_as_organisation"
    ACCREDITATIONS_READ = "accreditations.read"
    ACCREDITATIONS_DECIDE = "accreditations.decide"
    IDENTITY_DATA_READ = "identity_data.read"
    IDENTITY_DATA_CHANGE = "identity_data.change"
    PHOTOS_READ = "photos.read"
    PHOTOS_CHANGE = "photos.change"
    BADGES_PRINT = "badges.print"
    BADGE_TEMPLATES_MANAGE = "badge_templates.manage"
    VISA_LETTERS_PRINT = "visa_letters.print"
    CHECKIN_ADMIT = "checkin.admit"
    VENUE_MANAGE = "venue.manage"
    OCCUPANCY_READ = "occupancy.read"
    PICKUP_MANAGE = "pickup.manage"
    PICKUP_HAND_OVER = "pickup.hand_over"
    ONSITE_REGISTER = "onsite.register"
    STATISTICS_READ = "statistics.read"
    STATISTICS_PUBLISH = "statistics.publish"
    PARTICIPANTS_READ = "participants.read"
    PARTICIPANTS_PUBLISH = "participants.publish"
    APPLICATIONS_READ = "applications.read"
    APPLICATIONS_REVIEW = "applications.review"
    APPLICATION_DOCUMENTS_READ = "application_documents.read"
    EXPORTS_CREATE = "exports.create"
    CREDENTIALS_READ = "credentials.read"
    CREDENTIALS_EXAMINE = "credentials.examine"
    MANDATE_DOCUMENTS_READ = "mandate_documents.read"
    MANDATE_DOCUMENTS_CHANGE = "mandate_documents.change"
    STAFF_MANAGE = "staff.manage"
    API_TOKENS_MANAGE = "api_tokens.manage"
    WEBHOOKS_MANAGE = "webhooks.manage"

    @property
    def data(self) -> str:
        return self.value.partition(".")[0]

    @property
    def action(self) -> str:
        return self.value.partition(".")[2]


P = Permission

#: What every staff member may read: the secretariat's work, without personal links,
#: identity data or photos.
_READ = frozenset(
    {
        P.DIRECTORY_READ,
        P.MEETINGS_READ,
        P.CIRCULARS_READ,
        P.LETTERS_AS_SENT_READ_WITHHELD,
        P.MAILBOX_READ,
        P.STORED_MAIL_READ_WITHHELD,
        P.REPLIES_READ,
        P.ACCREDITATIONS_READ,
        P.STATISTICS_READ,
        P.PARTICIPANTS_READ,
        P.EXPORTS_CREATE,
        P.CREDENTIALS_READ,
    }
)

#: The table: each role's permissions. Administrators hold every one.
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.REGISTRATION_OFFICER: _READ
    | {
        P.DIRECTORY_CHANGE,
        P.MEETINGS_CHANGE,
        P.CIRCULARS_SEND,
        P.LETTERS_AS_SENT_READ,
        P.STORED_MAIL_READ,
        P.REPLIES_CHANGE,
        P.REPLY_LINKS_MANAGE,
        P.PORTAL_ACT_AS_ORGANISATION,
        P.ACCREDITATIONS_DECIDE,
        P.IDENTITY_DATA_READ,
        P.IDENTITY_DATA_CHANGE,
        P.PHOTOS_READ,
        P.PHOTOS_CHANGE,
        P.VISA_LETTERS_PRINT,
        P.MANDATE_DOCUMENTS_READ,
        P.MANDATE_DOCUMENTS_CHANGE,
        P.VENUE_MANAGE,
        P.OCCUPANCY_READ,
        P.PICKUP_MANAGE,
        P.ONSITE_REGISTER,
        P.APPLICATIONS_READ,
        P.APPLICATIONS_REVIEW,
        P.APPLICATION_DOCUMENTS_READ,
    },
    # The badge desk hands a badge over against the identity document.
    Role.BADGE_DESK: _READ
    | {
        P.IDENTITY_DATA_READ,
        P.IDENTITY_DATA_CHANGE,
        P.PHOTOS_READ,
        P.BADGES_PRINT,
        P.VISA_LETTERS_PRINT,
        P.PICKUP_HAND_OVER,
        P.ONSITE_REGISTER,
    },
    # The check-in desk compares the person with the badge's photo; no document data.
    # The doors also see how many people are inside each zone.
    Role.CHECKIN_DESK: _READ | {P.PHOTOS_READ, P.CHECKIN_ADMIT, P.OCCUPANCY_READ},
    Role.COMMUNICATIONS: _READ | {P.STATISTICS_PUBLISH, P.PARTICIPANTS_PUBLISH},
    # A viewer follows the admissions too, without the applicants' documents.
    Role.VIEWER: _READ | {P.APPLICATIONS_READ},
    # The credentials officer serves the Credentials Committee and nothing else: the
    # register, its examination and the mandate documents; not the common reading.
    Role.CREDENTIALS_OFFICER: frozenset(
        {
            P.CREDENTIALS_READ,
            P.CREDENTIALS_EXAMINE,
            P.MANDATE_DOCUMENTS_READ,
            P.MANDATE_DOCUMENTS_CHANGE,
        }
    ),
}

#: What each permission means, for docs/security.md and the staff page.
DESCRIPTIONS: dict[Permission, Promise] = {
    P.DIRECTORY_READ: _("read organisations, people, positions and possible duplicates"),
    P.DIRECTORY_CHANGE: _("change the directory, import, merge, keep duplicates apart"),
    P.MEETINGS_READ: _("read meetings and their information packs"),
    P.MEETINGS_CHANGE: _("create and edit meetings, add and remove pack items"),
    P.CIRCULARS_READ: _("read circulars, their audience, previews and sending progress"),
    P.CIRCULARS_SEND: _("draft, dispatch and remind; settle messages; print the postal run"),
    P.LETTERS_AS_SENT_READ: _("download the stored letter as sent, with its live reply link"),
    P.LETTERS_AS_SENT_READ_WITHHELD: _("read the letter again with its personal link withheld"),
    P.MAILBOX_READ: _("search the mail log and the local mailbox (date, recipients, subject)"),
    P.STORED_MAIL_READ: _("read stored mail and its attachments, live links included"),
    P.STORED_MAIL_READ_WITHHELD: _("read stored mail with every personal link withheld"),
    P.REPLIES_READ: _("read the reply trackers and replies"),
    P.REPLIES_CHANGE: _("enter or correct a reply, decide change requests"),
    P.REPLY_LINKS_MANAGE: _("issue and revoke reply links"),
    P.PORTAL_ACT_AS_ORGANISATION: _("open the portal as an organisation, audited by name"),
    P.ACCREDITATIONS_READ: _("read accreditations, limits and exceptions"),
    P.ACCREDITATIONS_DECIDE: _(
        "approve, reject, substitute; limits and exceptions; delegate links"
    ),
    P.IDENTITY_DATA_READ: _("read identity document data (page and exports)"),
    P.IDENTITY_DATA_CHANGE: _("correct identity document data"),
    P.PHOTOS_READ: _("see delegates' photos"),
    P.PHOTOS_CHANGE: _("take or upload a delegate's photo"),
    P.BADGES_PRINT: _("print and reprint badges, in the layout chosen"),
    P.BADGE_TEMPLATES_MANAGE: _("replace or remove a meeting's badge design (Typst file)"),
    P.VISA_LETTERS_PRINT: _("print visa support letters"),
    P.CHECKIN_ADMIT: _("admit at the check-in desk"),
    P.VENUE_MANAGE: _(
        "configure zones, gates, zone defaults, valid dates and zones, secondary pass pools"
    ),
    P.OCCUPANCY_READ: _("see how many people are inside each zone"),
    P.PICKUP_MANAGE: _("generate a meeting's badge pickup slots"),
    P.PICKUP_HAND_OVER: _("see the pickup queue and hand a delegation's badges over"),
    P.ONSITE_REGISTER: _(
        "register a walk-in on the organisation's word: photo, approval, one badge"
    ),
    P.STATISTICS_READ: _("read the participation dashboards"),
    P.STATISTICS_PUBLISH: _("publish or withdraw the public statistics"),
    P.PARTICIPANTS_READ: _("read the List of Participants' preview and editions"),
    P.PARTICIPANTS_PUBLISH: _("publish an edition of the List of Participants"),
    P.APPLICATIONS_READ: _("read applications for admission and admitted organisations"),
    P.APPLICATIONS_REVIEW: _(
        "review applications, record meetings' decisions, suspend and withdraw admissions"
    ),
    P.APPLICATION_DOCUMENTS_READ: _("download the documents applicants sent"),
    P.EXPORTS_CREATE: _("export the lists one may read (identity columns as allowed)"),
    P.CREDENTIALS_READ: _("read the credentials register and the committee's report"),
    P.CREDENTIALS_EXAMINE: _("record and examine delegations' credentials"),
    P.MANDATE_DOCUMENTS_READ: _("download delegations' mandate documents"),
    P.MANDATE_DOCUMENTS_CHANGE: _("upload and remove delegations' mandate documents"),
    P.STAFF_MANAGE: _("create staff accounts, change roles, reset second factors"),
    P.API_TOKENS_MANAGE: _("create and revoke API tokens"),
    P.WEBHOOKS_MANAGE: _("subscribe and manage webhooks"),
}


def role_of(user: Any) -> Role | None:
    """The role `user` acts in: a superuser is an administrator; None for nobody."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMINISTRATOR
    try:
        return Role(user.role)
    except ValueError:
        return None


def may(user: Any, permission: Permission) -> bool:
    """Whether `user` (a staff member, or anyone) holds `permission`."""
    role = role_of(user)
    return role is not None and permission in GRANTS.get(role, frozenset())


def roles_with(permission: Permission) -> list[Role]:
    """The roles holding `permission`, in the order of `Role`."""
    return [role for role in Role if permission in GRANTS.get(role, frozenset())]


def markdown_table() -> str:
    """The table as docs/security.md prints it: a row per permission, a column per role."""
    roles = list(Role)
    lines = [
        "| Permission | What it allows | " + " | ".join(str(role.label) for role in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        cells = ["yes" if permission in GRANTS[role] else "no" for role in roles]
        description = str(DESCRIPTIONS[permission])
        lines.append(f"| `{permission}` | {description} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
