"""Small arrangement helpers for the customer administration tests."""

from customers.services import customer_admin_group_ensure
from tests import factories

HTMX = {"HX-Request": "true"}


def customer_admin(**kwargs):
    """An agent with "Create/Edit Customers" through the "Customer administrators" group."""
    agent = factories.AgentFactory(**kwargs)
    agent.groups.add(customer_admin_group_ensure())
    return agent
