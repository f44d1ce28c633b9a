"""The Contracts tab of the customer settings, in the `customers` namespace (helpdesk/urls.py)."""

from django.urls import path

from . import views

C = "<key:customer_id>"

customer_tab_patterns = [
    path(f"{C}/contracts/", views.contracts_tab, name="contracts"),
    path(f"{C}/contracts/new/", views.contract_create, name="contract-create"),
    path(f"{C}/contracts/<int:pk>/edit/", views.contract_edit, name="contract-edit"),
]
