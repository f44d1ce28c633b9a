"""The portal wizard's one-time keys move to the one mechanism of every form
(helpdesk.Submission): each used key becomes a `portal:new` submission of the customer user's
portal login, whose result is the ticket's number."""

from django.db import migrations

ACTION = "portal:new"


def forward(apps, schema_editor):
    RequestSubmission = apps.get_model("portal", "RequestSubmission")
    Submission = apps.get_model("helpdesk", "Submission")
    rows = (
        RequestSubmission.objects.filter(customer_user__user__isnull=False, ticket__isnull=False)
        .values_list("customer_user__user_id", "key", "ticket__number")
        .order_by("pk")
    )
    Submission.objects.bulk_create(
        [
            Submission(user_id=user_id, action=ACTION, key=key, result=number)
            for user_id, key, number in rows.iterator(chunk_size=2000)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


def backward(apps, schema_editor):
    RequestSubmission = apps.get_model("portal", "RequestSubmission")
    Submission = apps.get_model("helpdesk", "Submission")
    CustomerUser = apps.get_model("customers", "CustomerUser")
    Ticket = apps.get_model("tickets", "Ticket")
    submissions = Submission.objects.filter(action=ACTION)
    customer_users = dict(
        CustomerUser.objects.filter(user_id__in=submissions.values("user_id")).values_list(
            "user_id", "pk"
        )
    )
    tickets = dict(
        Ticket.objects.filter(number__in=submissions.values("result")).values_list("number", "pk")
    )
    RequestSubmission.objects.bulk_create(
        [
            RequestSubmission(
                customer_user_id=customer_users[s.user_id], key=s.key, ticket_id=tickets[s.result]
            )
            for s in submissions
            if s.user_id in customer_users and s.result in tickets
        ],
        batch_size=2000,
    )
    submissions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_submissions_and_notices"),
        ("helpdesk", "0001_submissions"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="RequestSubmission"),
    ]
