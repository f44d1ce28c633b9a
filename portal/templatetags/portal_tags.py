"""Template helpers of the portal."""

from django import template
from django.template.defaulttags import querystring

from ..states import customer_state_label

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """Django's `{% querystring %}` for a page parameter whose name is in a variable: the home
    page pages its two lists with `open_page` and `resolved_page`, keeping the other's page."""
    return querystring(context, **{param: number})


@register.filter
def customer_state(state) -> str:
    """`{{ ticket.state|customer_state }}`: the state's name for customers (portal/states.py),
    never the agents' workflow label."""
    return customer_state_label(state)
