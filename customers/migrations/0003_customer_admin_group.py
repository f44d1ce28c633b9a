"""The auth group "Customer administrators" granting "Create/Edit Customers" (DESIGN §4)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Customer administrators"
PERMS = ("add_customer", "change_customer")


def add_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="customers", codename__in=PERMS)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0002_notification_delivery"),
    ]

    operations = [migrations.RunPython(add_group, remove_group)]
