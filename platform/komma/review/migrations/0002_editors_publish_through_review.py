"""Editors no longer publish directly: the four-eyes workflow publishes.

Role grants are only ever added by ``sync_roles``, so an installation from before
the review workflow keeps "publish_page" for the editors' group unless it is taken
away once, here. Later deliberate grants are not touched again.
"""

from django.db import migrations

EDITOR_GROUP = "Redaktion"


def revoke_editor_publish(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name=EDITOR_GROUP,
        permission__content_type__app_label="wagtailcore",
        permission__codename="publish_page",
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(revoke_editor_publish, migrations.RunPython.noop)]
