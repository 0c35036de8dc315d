"""Back-office pages of the webhooks, for administrators only (the secret signs events)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.permissions import Permission
from summitdesk.webhooks import services
from summitdesk.webhooks.enums import DeliveryStatus
from summitdesk.webhooks.forms import EditSubscriptionForm, SubscriptionForm
from summitdesk.webhooks.models import Delivery, Subscription

PAGE_SIZE = 50


@staff_view(Permission.WEBHOOKS_MANAGE)
def subscription_list(request: HttpRequest) -> HttpResponse:
    subscriptions = Subscription.objects.annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    )
    return render(request, "webhooks/subscription_list.html", {"subscriptions": subscriptions})


@staff_view(Permission.WEBHOOKS_MANAGE)
def subscription_create(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.create_subscription(
                **form.cleaned_data, actor=staff_actor(request)
            )
        except services.WebhookError as error:
            form.add_error(error.field or None, str(error))
        else:
            # The only time the secret is shown: no redirect, so it is in no URL or session.
            return render(
                request, "webhooks/subscription_created.html", {"subscription": subscription}
            )
    return render(request, "webhooks/subscription_form.html", {"form": form})


@staff_view(Permission.WEBHOOKS_MANAGE)
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk)
    initial = {
        "name": subscription.name,
        "target_url": subscription.target_url,
        "events": subscription.events,
        "active": subscription.active,
    }
    form = EditSubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_subscription(
                subscription, **form.cleaned_data, actor=staff_actor(request)
            )
        except services.WebhookError as error:
            form.add_error(error.field or None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("webhooks:subscription-deliveries", pk=pk)
    return render(
        request, "webhooks/subscription_form.html", {"form": form, "subscription": subscription}
    )


@staff_view(Permission.WEBHOOKS_MANAGE)
@require_POST
def subscription_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk)
    confirmation = unless_confirmed(
        request,
        question=_("Deactivate the webhook subscription %(name)s?") % {"name": subscription.name},
        consequence=_("It receives no new events; what is already waiting is still delivered."),
        action=_("Deactivate the subscription"),
        back=reverse("webhooks:subscription-deliveries", args=[pk]),
    )
    if confirmation is not None:
        return confirmation
    services.deactivate(subscription, actor=staff_actor(request))
    messages.success(request, _("%(name)s receives no new events.") % {"name": subscription.name})
    return redirect("webhooks:subscription-deliveries", pk=pk)


@staff_view(Permission.WEBHOOKS_MANAGE)
@require_POST
def subscription_test(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk)
    services.send_test(subscription, actor=staff_actor(request))
    messages.success(request, _("A test event is on its way."))
    return redirect("webhooks:subscription-deliveries", pk=pk)


@staff_view(Permission.WEBHOOKS_MANAGE)
def subscription_deliveries(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk)
    deliveries = subscription.deliveries.order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/subscription_deliveries.html",
        {
            "subscription": subscription,
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
            "query": f"status={status}" if status else "",
        },
    )


@staff_view(Permission.WEBHOOKS_MANAGE)
@require_POST
def delivery_send_again(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=delivery_pk, subscription=pk)
    try:
        services.send_again(delivery, actor=staff_actor(request))
    except services.WebhookError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect("webhooks:subscription-deliveries", pk=pk)
