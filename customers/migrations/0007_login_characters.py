"""New logins hold letters, digits and . @ _ + - only (helpdesk.validators.login_validator).

Logins saved before the rule may hold a line break or another control character, which no URL
can carry: the pages linking to such a user (the Customer Users widget, the CUIC search)
failed for every agent. Each control character becomes `_`, with a number added where that
clashes with another login; a linked portal login whose user name was the old login gets the
new one too. Other old logins (with spaces, parentheses …) work in URLs and stay as they are.
"""

import re

import helpdesk.validators
from django.db import migrations, models

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def repair_logins(apps, schema_editor):
    CustomerUser = apps.get_model("customers", "CustomerUser")
    User = apps.get_model("auth", "User")
    taken = {login.lower() for login in CustomerUser.objects.values_list("login", flat=True)}
    for customer_user in CustomerUser.objects.order_by("pk"):
        old = customer_user.login
        if not CONTROL.search(old):
            continue
        stem = CONTROL.sub("_", old)[:140] or "user"
        new, n = stem, 2
        while new.lower() in taken:
            new, n = f"{stem}{n}", n + 1
        taken.add(new.lower())
        CustomerUser.objects.filter(pk=customer_user.pk).update(login=new)
        if customer_user.user_id:
            User.objects.filter(pk=customer_user.user_id, username=old).update(username=new)


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_search_name_order"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.AlterField(
            model_name="customeruser",
            name="login",
            field=models.CharField(
                max_length=150, unique=True, validators=[helpdesk.validators.login_validator]
            ),
        ),
        migrations.RunPython(repair_logins, migrations.RunPython.noop),
    ]
