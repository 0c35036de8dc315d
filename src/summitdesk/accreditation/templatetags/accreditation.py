"""Template filters of the accreditation app (`{% load accreditation %}`)."""

from django import template

from summitdesk.accreditation import completeness
from summitdesk.accreditation.models import Accreditation

register = template.Library()


@register.filter
def missing_for_badge(accreditation: object) -> list[str]:
    """`{% with lacking=a|missing_for_badge %}`: what the accreditation (loaded with its
    delegate) lacks for a badge; empty when it is ready."""
    if not isinstance(accreditation, Accreditation):
        return []
    return completeness.missing_for_badge(accreditation)
