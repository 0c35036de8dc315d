"""What a reply says, in the shape the services take: the portal's, the back office's and
the API's forms and schemas build these; nothing here reads the database.

A leaf module: it imports nothing of SummitDesk, so any layer may use it (the
accreditation app reads `DelegateData` without importing the reply services).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PersonData:
    title: str = ""
    given_name: str = ""
    family_name: str = ""
    function: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class DelegateData:
    family_name: str
    given_name: str = ""
    title: str = ""
    function: str = ""
    email: str = ""
    nationality: str = ""
    gender: str = ""
    consent_to_publish: bool = False
    is_head: bool = False
    # The employer, when not the nominating organisation, and the relationship to it
    # (delegations.enums.Relationship; empty: not said).
    affiliation: str = ""
    relationship: str = ""
    # A returning delegate: the id of the same person's Delegate in the delegation of an
    # earlier meeting of the process (delegations.returning). None keeps what a member
    # already had: forms need not carry it.
    returning_from_id: int | None = None
    # delegations.enums.ProtocolLevel (empty: not said); the head's is the delegation's.
    protocol_level: str = ""
    # Takes part online only: no badge, no entry.
    online: bool = False
    # The code of one of the meeting's participant types; "" the default of the
    # organisation's category; None: unchanged (the portal, which does not set it).
    participant_type: str | None = None


@dataclass(frozen=True)
class ReplyData:
    attending: bool | None = None
    decline_reason: str = ""
    estimated_participants: int | None = None
    focal_point: PersonData | None = None
    backup_focal_point: PersonData | None = None
    delegates: list[DelegateData] = field(default_factory=list)
