"""A bookkeeping table that makes portal writes safe to repeat.

- `AgentNotice`: one row per customer article the agents were told about, so a repeated run of
  `portal.notify_agents` sends nothing twice.

(The one-time keys of the portal's forms are `helpdesk.Submission`, like every form's.)
"""

from django.db import models


class AgentNotice(models.Model):
    article = models.OneToOneField("tickets.Article", on_delete=models.CASCADE, related_name="+")
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Notice for article {self.article_id}"
