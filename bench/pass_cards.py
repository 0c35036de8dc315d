"""Secondary pass cards: the seconds to render N cards as one PDF (venue.cards), each with
its own QR code, to decide between a direct download and a background print run.

Builds the cards' data from unsaved rows (the render does not read the database), then
renders a first document (the compiler and fonts warm up) and the timed ones, and prints
the seconds and cards per second for each N, and the PDF's size.

    .venv/bin/python bench/pass_cards.py [--cards 50 500 2000]
"""

import argparse
import time

from _common import scratch_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, nargs="+", default=[50, 500, 2000])
    args = parser.parse_args()
    with scratch_database("pass_cards", None):
        setup_django()
        run(args.cards)


def run(counts: list[int]) -> None:
    from summitdesk.delegations.models import Reply
    from summitdesk.directory.models import Organisation
    from summitdesk.lib.documents import render_pdf
    from summitdesk.meetings.models import Meeting
    from summitdesk.venue.cards import TEMPLATE, card_data
    from summitdesk.venue.models import SecondaryPass, SecondaryPassPool, Zone

    meeting = Meeting(code="bench", title="World Summit on the Information Society")
    organisation = Organisation(name="Ministry of Posts and Telecommunications")
    reply = Reply(meeting=meeting, organisation=organisation)
    zone = Zone(meeting=meeting, code="hls", name="High-level segment")

    def cards(count: int) -> list[SecondaryPass]:
        pool = SecondaryPassPool(reply=reply, zone=zone, size=count, session="Opening")
        return [SecondaryPass(pk=n, pool=pool, number=n) for n in range(1, count + 1)]

    render_pdf(TEMPLATE, card_data(cards(2)))
    for count in counts:
        started = time.perf_counter()
        pdf = render_pdf(TEMPLATE, card_data(cards(count)))
        seconds = time.perf_counter() - started
        print(
            f"{count} cards: {seconds:.2f} s, {count / seconds:.0f} cards/s, "
            f"{len(pdf) / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    main()
