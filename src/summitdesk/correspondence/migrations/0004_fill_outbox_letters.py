from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_letters(apps, schema_editor):
    """Existing rows are letters and reminders: their kind is their mailing's, their
    organisation their invitation's, their time their mailing's."""
    message = apps.get_model("correspondence", "OutboundMessage")
    mailing = apps.get_model("correspondence", "Mailing")
    invitation = apps.get_model("correspondence", "Invitation")
    kind = mailing.objects.filter(pk=OuterRef("mailing_id")).values("kind")[:1]
    created = mailing.objects.filter(pk=OuterRef("mailing_id")).values("created_at")[:1]
    owner = invitation.objects.filter(pk=OuterRef("invitation_id")).values("organisation_id")[:1]
    message.objects.update(kind=Subquery(kind), created_at=Subquery(created))
    message.objects.update(organisation_id=Subquery(owner))


class Migration(migrations.Migration):
    # A migration of its own: PostgreSQL refuses to index a table whose rows were updated
    # in the same transaction, and the previous migration's indexes are made at its end.

    dependencies = [
        ("correspondence", "0003_outbox_for_every_email"),
    ]

    operations = [
        migrations.RunPython(fill_letters, migrations.RunPython.noop),
    ]
