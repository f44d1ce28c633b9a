"""Days are typed as the tables show them: ISO in English, YYYY/MM/DD in Japanese; never the
browser's locale-dependent date picker (mm/dd/yyyy in US English)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.forms import BoundedDateField, DayInput
from tests import factories


def _input(body: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', body).group(0)


@pytest.mark.django_db
def test_ticket_search_day_fields_are_text_with_the_tables_format(agent_client):
    body = agent_client.get(reverse("tickets:list"), {"created_after": "2026-01-05"}).content
    field = _input(body.decode(), "created_after")

    assert 'type="text"' in field
    assert 'placeholder="YYYY-MM-DD"' in field
    assert 'value="2026-01-05"' in field


@pytest.mark.django_db
def test_portal_closed_search_day_fields_are_text(portal_client):
    body = portal_client.get(reverse("portal:closed")).content.decode()

    assert 'type="text"' in _input(body, "closed_after")
    assert 'type="date"' not in body


@pytest.mark.parametrize(
    ("language", "typed", "shown", "placeholder"),
    [
        ("en", "2026/01/31", "2026-01-31", "YYYY-MM-DD"),
        ("ja", "2026/01/31", "2026/01/31", "YYYY/MM/DD"),
        ("ja", "2026-01-31", "2026/01/31", "YYYY/MM/DD"),
    ],
)
def test_day_input_reads_both_orders_and_writes_the_languages(language, typed, shown, placeholder):
    field = BoundedDateField(widget=DayInput())

    with translation.override(language):
        value = field.clean(typed)
        html = field.widget.render("day", value)

    assert value == datetime.date(2026, 1, 31)
    assert (f'value="{shown}"' in html, f'placeholder="{placeholder}"' in html) == (True, True)


@pytest.mark.django_db
def test_contract_form_dates_are_text_inputs(client, admin_user):
    contract = factories.ContractFactory(start_date=datetime.date(2026, 1, 2))
    client.force_login(admin_user)

    body = client.get(
        reverse("customers:contract-edit", args=[contract.customer.customer_id, contract.pk])
    ).content.decode()

    assert 'value="2026-01-02"' in _input(body, "start_date")
    assert 'type="text"' in _input(body, "start_date")
