"""The reply page of the portal: its forms together, and the services' findings beside
the fields they concern."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.formsets import BaseFormSet
from django.http import QueryDict
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from summitdesk.delegations.services import MAX_DELEGATES, ReplyData
from summitdesk.portal.forms import (
    ADD_ROWS,
    MIN_BLANK_ROWS,
    MemberFormSet,
    PortalMemberForm,
    PortalPersonForm,
    ReplyForm,
)
from summitdesk.portal.fragments import FieldsHtml, blank_fragment, member_html, person_fields_html


def blank_rows(estimate: int | None, named: int) -> int:
    """Blank member rows to show: enough for the seats not yet named, at least three."""
    wanted = max(MIN_BLANK_ROWS, (estimate or 0) - named)
    return max(0, min(wanted, MAX_DELEGATES - named))


def reply_data(
    form: ReplyForm,
    focal_point: PortalPersonForm,
    backup: PortalPersonForm,
    members: BaseFormSet[PortalMemberForm],
    head: str,
) -> ReplyData:
    """The reply the valid forms describe; `head` is the index of the row marked head."""
    attending = form.attending_value()
    delegates = []
    if attending is not False:
        for index, member in enumerate(members.forms):
            if not member.is_blank:
                delegates.append(member.delegate_data(is_head=head == str(index)))
    return ReplyData(
        attending=attending,
        decline_reason=form.cleaned_data.get("decline_reason") or "",
        estimated_participants=form.cleaned_data.get("estimated_participants"),
        focal_point=focal_point.person_data(),
        backup_focal_point=backup.person_data(),
        delegates=delegates,
    )


def _whole_number(value: Any) -> int:
    try:
        return max(0, int(str(value)))
    except ValueError:
        return 0


class ReplyPage:
    """The parts of the reply form together: bound to what was posted, or filled from the
    reply as it stands; with the services' findings placed beside the fields they concern."""

    def __init__(
        self,
        *,
        form: ReplyForm,
        focal_point: PortalPersonForm,
        backup: PortalPersonForm,
        members: BaseFormSet[PortalMemberForm],
        head: str,
    ) -> None:
        self.form = form
        self.focal_point = focal_point
        self.backup = backup
        self.members = members
        self.head = head
        self.delegation_errors: list[str] = []
        self.page_errors: list[str] = []

    @classmethod
    def initial(cls, current: ReplyData) -> "ReplyPage":
        attending = "" if current.attending is None else "yes" if current.attending else "no"
        rows = [PortalMemberForm.initial_from(member) for member in current.delegates]
        rows += [{}] * blank_rows(current.estimated_participants, len(rows))
        head = next(
            (str(index) for index, member in enumerate(current.delegates) if member.is_head), ""
        )
        return cls(
            form=ReplyForm(
                initial={
                    "attending": attending,
                    "decline_reason": current.decline_reason,
                    "estimated_participants": current.estimated_participants,
                }
            ),
            focal_point=PortalPersonForm(
                prefix="focal_point",
                initial=PortalPersonForm.initial_from(current.focal_point),
                required_to_submit=True,
            ),
            backup=PortalPersonForm(
                prefix="backup", initial=PortalPersonForm.initial_from(current.backup_focal_point)
            ),
            members=MemberFormSet(prefix="members", initial=rows),
            head=head,
        )

    @classmethod
    def bound(cls, data: QueryDict) -> "ReplyPage":
        return cls(
            form=ReplyForm(data),
            focal_point=PortalPersonForm(data, prefix="focal_point", required_to_submit=True),
            backup=PortalPersonForm(data, prefix="backup"),
            members=MemberFormSet(data, prefix="members"),
            head=str(data.get("head", "")),
        )

    @classmethod
    def with_more_rows(cls, data: QueryDict) -> "ReplyPage":
        """For "Add more rows": the page again with what was typed, neither checked nor saved,
        and ADD_ROWS more blank member rows (or enough for the estimate given)."""

        def raw(name: str) -> str:
            return str(data.get(name, ""))

        total = min(_whole_number(data.get("members-TOTAL_FORMS")), MAX_DELEGATES)
        rows: list[dict[str, Any]] = []
        for index in range(total):
            row: dict[str, Any] = {
                name: raw(f"members-{index}-{name}") for name in PortalMemberForm.base_fields
            }
            for box in PortalMemberForm.CHECKBOXES:
                row[box] = bool(data.get(f"members-{index}-{box}"))
            rows.append(row)
        estimate = _whole_number(data.get("estimated_participants"))
        wanted = min(max(total + ADD_ROWS, estimate), MAX_DELEGATES)
        rows += [{}] * max(0, wanted - total)

        def person(prefix: str) -> dict[str, str]:
            return {name: raw(f"{prefix}-{name}") for name in PortalPersonForm.base_fields}

        return cls(
            form=ReplyForm(initial={name: raw(name) for name in ReplyForm.base_fields}),
            focal_point=PortalPersonForm(
                prefix="focal_point", initial=person("focal_point"), required_to_submit=True
            ),
            backup=PortalPersonForm(prefix="backup", initial=person("backup")),
            members=MemberFormSet(prefix="members", initial=rows),
            head=raw("head"),
        )

    @property
    def form_html(self) -> FieldsHtml:
        return FieldsHtml(self.form)

    def management_html(self) -> SafeString:
        """The member formset's management form (hidden counts)."""
        management = self.members.management_form
        if self.members.is_bound:
            return management.render()
        counts = tuple(management.initial.get(name) for name in management.fields)
        return blank_fragment(("management", self.members.prefix, counts), management.render)

    def member_rows(self) -> list[SafeString]:
        return [
            member_html(member, index, index + 1, self.head)
            for index, member in enumerate(self.members.forms)
        ]

    def member_template(self) -> SafeString:
        """The row that the page's script copies for each member added."""
        return member_html(self.members.empty_form, "__prefix__", "__number__", "")

    def focal_point_fields(self) -> SafeString:
        return person_fields_html(self.focal_point)

    def backup_fields(self) -> SafeString:
        return person_fields_html(self.backup)

    @property
    def declining(self) -> bool:
        return self.form.is_bound and self.form.data.get("attending") == "no"

    def is_valid(self) -> bool:
        valid = [self.form.is_valid(), self.focal_point.is_valid(), self.backup.is_valid()]
        # A delegation is not looked at when the organisation declines.
        if not self.declining:
            valid.append(self.members.is_valid())
        return all(valid)

    def reply_data(self) -> ReplyData:
        return reply_data(self.form, self.focal_point, self.backup, self.members, self.head)

    def add_problems(self, found: Mapping[str, str]) -> None:
        """Place the services' findings (delegations.services.problems) by their fields."""
        for key, message in found.items():
            if key in ("attending", "decline_reason", "estimated_participants"):
                self.form.add_error(key, message)
            elif key == "focal_point":
                self.focal_point.add_error(None, message)
            elif key in ("delegates", "head_level"):
                self.delegation_errors.append(message)
            else:
                self.page_errors.append(message)

    def error_summary(self) -> list[tuple[str, str]]:
        """(where, message) of every error, in the page's order, for the summary on top."""
        found = [("reply-form", message) for message in self.page_errors]
        found += self.form_errors(self.form, "")
        found += [("focal-point", str(error)) for error in self.focal_point.non_field_errors()]
        found += self.form_errors(self.focal_point, str(_("Designated focal point")))
        found += self.form_errors(self.backup, str(_("Backup focal point")))
        found += [("delegation", message) for message in self.delegation_errors]
        if self.members.is_bound and not self.declining:
            found += [("delegation", str(error)) for error in self.members.non_form_errors()]
            for index, member in enumerate(self.members.forms):
                label = str(_("Member %(number)d")) % {"number": index + 1}
                found += self.form_errors(member, label)
        return found

    @staticmethod
    def form_errors(form: forms.Form, label: str) -> list[tuple[str, str]]:
        if not form.is_bound:
            return []
        found = []
        for name, errors in form.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            bound = form[name]
            where = bound.id_for_label or f"field-{bound.html_name}"
            prefix = f"{label}, {bound.label}" if label else str(bound.label)
            found += [(where, f"{prefix}: {error}") for error in errors]
        return found
