"""Administrators no longer hold Wagtail's "publish_page".

They had it to take pages offline in an emergency, but it is also the permission to
publish, so they could publish unreviewed drafts. They take pages offline with
"review.take_page_offline" now (granted by ``sync_roles``). Role grants are only ever
added by ``sync_roles``, so an older installation keeps "publish_page" for the
administrators' group unless it is taken away once, here (as 0002 did for editors).
"""

from django.db import migrations

ADMIN_GROUP = "Administration"


def revoke_admin_publish(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name=ADMIN_GROUP,
        permission__content_type__app_label="wagtailcore",
        permission__codename="publish_page",
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0003_take_page_offline_permission"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(revoke_admin_publish, migrations.RunPython.noop)]
