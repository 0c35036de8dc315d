from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from summitdesk.backoffice import landing
from summitdesk.backoffice.forms import MergeForm
from summitdesk.backoffice.listing import Column, Listing, Selection
from summitdesk.backoffice.views.emails import organisation_emails
from summitdesk.backoffice.views.mailings import organisation_letters
from summitdesk.core import versions
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.models import AuditEntry
from summitdesk.core.permissions import Permission, may
from summitdesk.correspondence import services as correspondence
from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.errors import CircularError
from summitdesk.correspondence.models import Circular
from summitdesk.delegations.queries import participation
from summitdesk.directory import services
from summitdesk.directory.enums import DuplicateStatus, OrganisationStatus, PositionRole
from summitdesk.directory.forms import (
    DirectoryFilterForm,
    DirectoryPersonForm,
    OrganisationForm,
    expected_version,
    show_conflict,
)
from summitdesk.directory.models import DuplicateCandidate, Organisation, Person, Position
from summitdesk.directory.queries import DirectoryFilter, search_organisations
from summitdesk.meetings.models import Meeting

PAGE_SIZE = 50
#: The directory's columns; those that sort order by indexed columns (then by id).
COLUMNS = [
    Column("name", _lazy("Name"), ("name_key",)),
    Column("category", _lazy("Category"), ("category", "name_key")),
    Column("stakeholder_group", _lazy("Stakeholder group"), ("stakeholder_group", "name_key")),
    Column("country", _lazy("Country"), ("country", "name_key")),
    Column("sectors", _lazy("Sectors")),
    Column("language", _lazy("Language")),
]
CURRENT = [OrganisationStatus.ACTIVE, OrganisationStatus.INACTIVE]
#: How many of the organisations chosen the confirmation of adding them to a circular names.
NAMED_ON_CONFIRMATION = 20


def home(request: HttpRequest) -> HttpResponse:
    """Each role's landing page (backoffice.landing): a desk, or the overview. The desk
    comes first: a role whose desk is its only door (the credentials officer) reads no
    directory."""
    desk = landing.desk_url(request.user)
    if desk:
        return redirect(desk)
    return _overview(request)


@staff_view(Permission.DIRECTORY_READ)
def _overview(request: HttpRequest) -> HttpResponse:
    counts = Organisation.objects.current().aggregate(
        total=Count("id"), with_email=Count("id", filter=~Q(email=""))
    )
    context = {
        "counts": counts,
        "open_duplicates": DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).count(),
        "meetings": Meeting.objects.select_related("process").in_calendar_order(),
    }
    return render(request, "backoffice/home.html", context)


home.permissions = _overview.permissions  # type: ignore[attr-defined]  # read by the tests


@staff_view(Permission.DIRECTORY_READ)
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    criteria = DirectoryFilter(**form.cleaned_data) if form.is_valid() else DirectoryFilter()
    listing = Listing(request.GET, COLUMNS, default_sort="name", default_size=PAGE_SIZE)
    page = listing.page(search_organisations(criteria))
    context = {
        "form": form,
        "listing": listing,
        "page": page,
        "query": listing.query(),
        "filtered": criteria != DirectoryFilter(),
        # Organisations are chosen to be added to a draft circular's audience.
        "choose": may(request.user, Permission.CIRCULARS_SEND) and bool(page.object_list),
        "filter_fields": listing.hidden_fields("sort", "per_page"),
    }
    return render(request, "backoffice/organisation_list.html", context)


@staff_view(Permission.CIRCULARS_SEND, Permission.DIRECTORY_READ)
@require_POST
def organisation_list_to_circular(request: HttpRequest) -> HttpResponse:
    """First post (from the directory: the ticked organisations, or every one its search
    matches): the confirmation naming the count, with the draft circulars to add them to.
    Second post (confirmed, with that count and a circular): they join its audience; a
    count that changed since asks again."""
    selection = Selection.posted(request.POST, list(DirectoryFilterForm.base_fields))
    back = reverse("backoffice:organisation-list")
    if selection.empty:
        messages.error(request, _("Tick the organisations first."))
        return redirect(back)
    form = DirectoryFilterForm(request.POST)
    criteria = (
        DirectoryFilter(**{name: form.cleaned_data[name] for name in form.base_fields})
        if form.is_valid()
        else DirectoryFilter()
    )
    chosen = selection.rows(search_organisations(criteria))
    count = chosen.count()
    if not count:
        messages.error(request, _("No organisation matches the list's filter any more."))
        return redirect(back)
    drafts = Circular.objects.filter(status=CircularStatus.DRAFT).order_by("-date", "reference")
    error = ""
    if request.POST.get("confirm") == "1":
        wanted = str(request.POST.get("circular", "")).strip()
        circular = drafts.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        if circular is None:
            error = _("Choose the draft circular to add them to.")
        elif selection.changed(count):
            error = ngettext(
                "The list changed since you confirmed: %(count)d organisation matches now.",
                "The list changed since you confirmed: %(count)d organisations match now.",
                count,
            ) % {"count": count}
        else:
            try:
                added = correspondence.include_in_audience(
                    circular, chosen, expected=count, actor=staff_actor(request)
                )
            except CircularError as refused:
                error = str(refused)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d organisation added to the audience of %(reference)s.",
                        "%(count)d organisations added to the audience of %(reference)s.",
                        added,
                    )
                    % {"count": added, "reference": circular.reference},
                )
                return redirect("backoffice:circular-audience", pk=circular.pk)
    context = {
        "selection": selection,
        "count": count,
        "named": chosen.order_by("name_key", "pk")[:NAMED_ON_CONFIRMATION],
        "more": max(count - NAMED_ON_CONFIRMATION, 0),
        "drafts": drafts,
        "chosen_circular": str(request.POST.get("circular", "")),
        "error": error,
        "back": back,
    }
    return render(
        request,
        "backoffice/organisation_list_to_circular.html",
        context,
        status=400 if error else 200,
    )


@staff_view(Permission.DIRECTORY_READ)
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("merged_into"), pk=pk)
    positions = organisation.positions.select_related("person").order_by("role", "person")
    history = AuditEntry.objects.filter(organisation=organisation).select_related("actor")[:200]
    duplicates = DuplicateCandidate.objects.filter(
        Q(organisation=organisation) | Q(other=organisation), status=DuplicateStatus.OPEN
    ).select_related("organisation", "other")
    context = {
        "organisation": organisation,
        "positions": positions,
        "history": history,
        "duplicates": duplicates,
        "merged_from": organisation.merged_from.all(),
        "letters": organisation_letters(organisation),
        "emails": organisation_emails(organisation),
        "participation": participation(organisation),
    }
    return render(request, "backoffice/organisation_detail.html", context)


@staff_view(Permission.DIRECTORY_CHANGE)
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(
            form.changed_data_for_service(), actor=staff_actor(request)
        )
        if services.flag_duplicates(organisation):
            messages.warning(
                request,
                _(
                    "This organisation looks like one already in the "
                    "directory: see the possible duplicates below."
                ),
            )
        messages.success(request, _("Organisation created."))
        return redirect("backoffice:organisation-detail", pk=organisation.pk)
    return render(request, "backoffice/organisation_form.html", {"form": form})


@staff_view(Permission.DIRECTORY_CHANGE)
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.current(), pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        # A fresh instance: form validation already wrote the new values onto `organisation`,
        # so the service would see no change to record.
        target = Organisation.objects.get(pk=organisation.pk)
        try:
            changes = services.update_organisation(
                target,
                form.changed_data_for_service(),
                actor=staff_actor(request),
                expected_version=expected_version(form),
            )
        except versions.Conflict as conflict:
            show_conflict(form, conflict)
        else:
            messages.success(request, _("Saved.") if changes else _("Nothing was changed."))
            return redirect("backoffice:organisation-detail", pk=organisation.pk)
    context = {"form": form, "organisation": organisation}
    return render(request, "backoffice/organisation_form.html", context)


@staff_view(Permission.DIRECTORY_CHANGE)
def organisation_merge(request: HttpRequest, pk: int) -> HttpResponse:
    kept = get_object_or_404(Organisation.objects.current(), pk=pk)
    form = MergeForm(request.POST or request.GET or None)
    duplicate = None
    if form.is_valid():
        duplicate = form.cleaned_data["duplicate"]
        if duplicate.pk == kept.pk:
            form.add_error("duplicate", _("Choose another organisation than this one."))
            duplicate = None
        elif request.method == "POST" and form.cleaned_data["confirm"]:
            try:
                services.merge_organisations(kept, duplicate, actor=staff_actor(request))
            except services.DirectoryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(name)s was merged into this organisation.") % {"name": duplicate.name},
                )
                return redirect("backoffice:organisation-detail", pk=kept.pk)
        elif request.method == "POST":
            form.add_error("confirm", _("Tick the box to confirm the merge."))
    context = {"form": form, "organisation": kept, "duplicate": duplicate}
    return render(request, "backoffice/organisation_merge.html", context)


def _save_person(
    request: HttpRequest, organisation: Organisation, person: Person, position: Position | None
) -> HttpResponse:
    initial = {"role": position.role, "function": position.function} if position else {}
    form = DirectoryPersonForm(request.POST or None, instance=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        actor = staff_actor(request)
        # A fresh instance: form validation already wrote the new values onto `person`.
        target = Person.objects.get(pk=person.pk) if person.pk else Person()
        try:
            services.save_person(
                target,
                form.person_data(),
                organisation=organisation,
                actor=actor,
                expected_version=expected_version(form),
            )
        except versions.Conflict as conflict:
            show_conflict(form, conflict)
        else:
            role = PositionRole(form.cleaned_data["role"])
            if position and position.role != role:
                services.remove_position(position, actor=actor)
            services.assign_position(
                organisation, target, role=role, function=form.cleaned_data["function"], actor=actor
            )
            messages.success(request, _("Saved."))
            return redirect("backoffice:organisation-detail", pk=organisation.pk)
    history = (
        AuditEntry.objects.for_object(person).select_related("actor")[:100] if person.pk else []
    )
    context = {"form": form, "organisation": organisation, "person": person, "history": history}
    return render(request, "backoffice/person_form.html", context)


@staff_view(Permission.DIRECTORY_CHANGE)
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.current(), pk=pk)
    return _save_person(request, organisation, Person(), None)


@staff_view(Permission.DIRECTORY_CHANGE)
def position_edit(request: HttpRequest, pk: int, position_pk: int) -> HttpResponse:
    # Only people who hold a position in this organisation can be reached from it.
    position = get_object_or_404(
        Position.objects.select_related("person", "organisation"),
        pk=position_pk,
        organisation=pk,
        organisation__status__in=CURRENT,
    )
    return _save_person(request, position.organisation, position.person, position)


@staff_view(Permission.DIRECTORY_CHANGE)
@require_POST
def position_remove(request: HttpRequest, pk: int, position_pk: int) -> HttpResponse:
    position = get_object_or_404(
        Position.objects.select_related("person", "organisation"),
        pk=position_pk,
        organisation=pk,
        organisation__status__in=CURRENT,
    )
    confirmation = unless_confirmed(
        request,
        question=_("Remove %(person)s as %(role)s of %(organisation)s?")
        % {
            "person": position.person,
            "role": position.get_role_display(),
            "organisation": position.organisation.name,
        },
        consequence=_(
            "They stop receiving what goes to this role; the person stays in the directory."
        ),
        action=_("Remove the role"),
        back=reverse("backoffice:organisation-detail", args=[pk]),
    )
    if confirmation is not None:
        return confirmation
    services.remove_position(position, actor=staff_actor(request))
    messages.success(
        request, _("%(person)s no longer holds that role.") % {"person": position.person}
    )
    return redirect("backoffice:organisation-detail", pk=pk)


@staff_view(Permission.DIRECTORY_READ)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    candidates = DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).select_related(
        "organisation", "other"
    )
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/duplicate_list.html", {"page": page})


@staff_view(Permission.DIRECTORY_CHANGE)
@require_POST
def duplicate_keep_apart(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(DuplicateCandidate, pk=pk, status=DuplicateStatus.OPEN)
    services.keep_apart(candidate, actor=staff_actor(request))
    messages.success(request, _("Marked as different organisations."))
    return redirect("backoffice:duplicate-list")
