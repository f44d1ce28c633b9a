"""PostgreSQL-only index for the customer-user search dialog's `**` (list everything).

`**` shows the first 20 active customer users by last name, first name, login and the total:
a partial btree in exactly that order lets PostgreSQL read those 20 from the top of the index
instead of sorting every active customer user. Typed terms keep using the trigram indexes
(0004): their query sorts by expressions that match no index (dashboards/search.py).
"""

from django.db import migrations

from helpdesk.pg import postgres_indexes

NAME = "cu_active_name_idx"


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_customer_id_characters")]

    operations = [postgres_indexes({NAME: "customers_customeruser (last_name, first_name, login) WHERE is_active"})]
