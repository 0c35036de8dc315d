import datetime

from django import template
from django.utils.formats import date_format

from summitdesk.meetings.models import Process

register = template.Library()


@register.simple_tag
def historical(process: Process, value: datetime.date | None) -> str:
    """The historical date a replayed demo date stands for, formatted; empty otherwise."""
    past = process.historical(value)
    return date_format(past, "j F Y") if past else ""
