"""Badge layouts: where a print run puts badges on paper.

A card printer takes one 100 x 140 mm badge a page; an office printer takes A4 sheets of
four such badges (2 x 2) or of six 99 x 93 mm badges (2 x 3, the usual pre-cut stock).
The grid is centred on the sheet; a print run may move it by a few millimetres (its top
and left offsets) so that the printed badges meet the cuts of the stock, whose printers
rarely feed paper exactly. A card may be moved as well, within CARD_OFFSET_LIMIT.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from summitdesk.accreditation.enums import BadgeLayout

#: How far (mm) a card's badge may be moved: beyond it the card printer's fault is not
#: one an offset can correct.
CARD_OFFSET_LIMIT = Decimal("5")


class LayoutError(ValueError):
    """A layout or offsets a print run cannot use; the message says why."""


@dataclass(frozen=True)
class Sheet:
    """A page and its grid of badges, in millimetres."""

    page_width: Decimal
    page_height: Decimal
    badge_width: Decimal
    badge_height: Decimal
    columns: int
    rows: int

    @property
    def margin_left(self) -> Decimal:
        return (self.page_width - self.columns * self.badge_width) / 2

    @property
    def margin_top(self) -> Decimal:
        return (self.page_height - self.rows * self.badge_height) / 2

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def offset_limits(self) -> tuple[Decimal, Decimal]:
        """(top, left): the largest offset either way that keeps the grid on the page."""
        if self.per_page == 1:
            return CARD_OFFSET_LIMIT, CARD_OFFSET_LIMIT
        return self.margin_top, self.margin_left


SHEETS: dict[str, Sheet] = {
    BadgeLayout.CARD: Sheet(Decimal(100), Decimal(140), Decimal(100), Decimal(140), 1, 1),
    BadgeLayout.A4_FOUR: Sheet(Decimal(210), Decimal(297), Decimal(100), Decimal(140), 2, 2),
    BadgeLayout.A4_SIX: Sheet(Decimal(210), Decimal(297), Decimal(99), Decimal(93), 2, 3),
}


def sheet(layout: str) -> Sheet:
    try:
        return SHEETS[layout]
    except KeyError:
        raise LayoutError(_("Unknown badge layout: %(layout)s.") % {"layout": layout}) from None


def check_offsets(layout: str, *, offset_top: Decimal, offset_left: Decimal) -> None:
    """Raise LayoutError, with the allowed range, for offsets that would push badges off
    the page (or, for a card, further than a printer's misfeed)."""
    limit_top, limit_left = sheet(layout).offset_limits()
    label = BadgeLayout(layout).label
    for value, limit, message in (
        (
            offset_top,
            limit_top,
            _("The top offset must be between -%(limit)s and %(limit)s mm for %(layout)s."),
        ),
        (
            offset_left,
            limit_left,
            _("The left offset must be between -%(limit)s and %(limit)s mm for %(layout)s."),
        ),
    ):
        if not value.is_finite() or abs(value) > limit:
            raise LayoutError(message % {"limit": _format(limit), "layout": label})


def _format(value: Decimal) -> str:
    return f"{value.normalize():f}"


def layout_data(layout: str, *, offset_top: Decimal, offset_left: Decimal) -> dict[str, Any]:
    """The `layout` part of a badge document's JSON (millimetres, as numbers)."""
    chosen = sheet(layout)
    return {
        "name": str(layout),
        "page_width": float(chosen.page_width),
        "page_height": float(chosen.page_height),
        "badge_width": float(chosen.badge_width),
        "badge_height": float(chosen.badge_height),
        "columns": chosen.columns,
        "rows": chosen.rows,
        "top": float(chosen.margin_top + offset_top),
        "left": float(chosen.margin_left + offset_left),
    }
