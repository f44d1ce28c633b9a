"""Every write to customers, customer users, locations, areas and notification groups.

Each function is keyword-only, owns its transaction and raises `CustomerError` with a message
meant for the user when a rule refuses the change.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from helpdesk.validators import login_validator

from .models import Area, Customer, CustomerUser, Location, NotificationEvent, NotificationGroup

CUSTOMER_ADMIN_GROUP = "Customer administrators"
CUSTOMER_ADMIN_PERMS = ("add_customer", "change_customer")

CUSTOMER_FIELDS = (
    "customer_id",
    "name",
    "street",
    "zip",
    "city",
    "country",
    "url",
    "phone",
    "comment",
    "time_zone",
    "is_active",
)
CUSTOMER_USER_FIELDS = (
    "login",
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "customer",
    "is_power_user",
    "language",
    "time_zone",
    "is_active",
)


class CustomerError(Exception):
    """A rule refused the change; the message is meant for the user."""


# --- permission -----------------------------------------------------------------------------


def can_manage_customers(user) -> bool:
    """The permission "Create/Edit Customers" (DESIGN §4): add and change customer.

    The grants `user.has_perms` honours (active user, superuser, the user's own permissions and
    its groups'), read in one query instead of two: the dashboards ask on every widget."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    granted = Permission.objects.filter(
        Q(user=user) | Q(group__user=user),
        content_type__app_label="customers",
        codename__in=CUSTOMER_ADMIN_PERMS,
    )
    return granted.values("codename").distinct().count() == len(CUSTOMER_ADMIN_PERMS)


def customer_admin_group_ensure() -> Group:
    """The auth group granting "Create/Edit Customers"; created (with its perms) when missing."""
    group, _created = Group.objects.get_or_create(name=CUSTOMER_ADMIN_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label="customers", codename__in=CUSTOMER_ADMIN_PERMS
    )
    if perms.count() < len(CUSTOMER_ADMIN_PERMS):
        # A database flushed without post_migrate (tests) has no permission rows yet.
        create_permissions(apps.get_app_config("customers"), verbosity=0)
    group.permissions.add(*perms)
    return group


# --- customers ------------------------------------------------------------------------------


@transaction.atomic
def customer_create(*, customer_id: str, name: str, **fields) -> Customer:
    customer_id = customer_id.strip()
    if Customer.objects.filter(customer_id__iexact=customer_id).exists():
        raise CustomerError(
            _("A customer with the ID %(id)s already exists.") % {"id": customer_id}
        )
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise CustomerError(f"Unknown customer fields: {', '.join(sorted(unknown))}.")
    return Customer.objects.create(customer_id=customer_id, name=name.strip(), **fields)


@transaction.atomic
def customer_update(*, customer: Customer, **changes) -> Customer:
    unknown = set(changes) - set(CUSTOMER_FIELDS)
    if unknown:
        raise CustomerError(f"Unknown customer fields: {', '.join(sorted(unknown))}.")
    new_id = changes.get("customer_id")
    if (
        new_id is not None
        and Customer.objects.filter(customer_id__iexact=new_id).exclude(pk=customer.pk).exists()
    ):
        raise CustomerError(_("A customer with the ID %(id)s already exists.") % {"id": new_id})
    for field, value in changes.items():
        setattr(customer, field, value)
    customer.save()
    return customer


# --- customer users (contacts) --------------------------------------------------------------


def email_taken(*, customer: Customer, email: str, exclude_pk: int | None = None) -> bool:
    """Another active user of the customer (primary or member) already uses this email."""
    qs = CustomerUser.objects.active().filter(customers=customer, email__iexact=email.strip())
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _valid_login(login: str) -> str:
    """The login, or CustomerError when `login_validator` refuses it (the forms and the CSV
    import check it first; this keeps every other caller to the same rule)."""
    try:
        login_validator(login)
    except ValidationError as error:
        raise CustomerError(error.messages[0]) from None
    return login


def login_from_email(email: str) -> str:
    """A free login derived from the email: `Jane.Doe@x.com` → `jane.doe`, then `jane.doe2` …"""
    stem = re.sub(r"[^a-z0-9._+-]", "", email.strip().lower().split("@")[0])[:140] or "user"
    taken = {
        login.lower()
        for login in CustomerUser.objects.filter(login__istartswith=stem).values_list(
            "login", flat=True
        )
    }
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


@transaction.atomic
def customer_user_create(
    *,
    customer: Customer,
    first_name: str,
    last_name: str,
    email: str,
    login: str | None = None,
    customers=(),
    password: str | None = None,
    **fields,
) -> CustomerUser:
    """Create a customer user (a "contact" on the customer settings page).

    1. refuse a duplicate email among the customer's active users; 2. pick a unique login
    (from the email when none is given); 3. save and add the primary customer to `customers`;
    4. with `password`, create the linked portal login (`auth.User`, username = login).
    """
    email = email.strip()
    if email_taken(customer=customer, email=email):
        raise CustomerError(
            _("A contact with the email %(email)s already exists for this customer.")
            % {"email": email}
        )
    if login:
        login = _valid_login(login.strip())
        if CustomerUser.objects.filter(login__iexact=login).exists():
            raise CustomerError(_("The login %(login)s is already taken.") % {"login": login})
    else:
        login = login_from_email(email)
    unknown = set(fields) - set(CUSTOMER_USER_FIELDS)
    if unknown:
        raise CustomerError(f"Unknown customer user fields: {', '.join(sorted(unknown))}.")
    customer_user = CustomerUser.objects.create(
        login=login,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        customer=customer,
        **fields,
    )
    customer_user.customers.add(customer, *customers)
    if password:
        user = get_user_model().objects.create_user(
            username=login,
            email=email,
            password=password,
            first_name=customer_user.first_name,
            last_name=customer_user.last_name,
        )
        customer_user.user = user
        customer_user.save(update_fields=["user"])
    return customer_user


@transaction.atomic
def customer_user_update(*, customer_user: CustomerUser, customers=None, **changes) -> CustomerUser:
    """Change a customer user's fields; `customers` (if given) replaces the memberships,
    always keeping the primary customer."""
    unknown = set(changes) - set(CUSTOMER_USER_FIELDS)
    if unknown:
        raise CustomerError(f"Unknown customer user fields: {', '.join(sorted(unknown))}.")
    customer = changes.get("customer", customer_user.customer)
    email = changes.get("email", customer_user.email).strip()
    if "email" in changes:
        changes["email"] = email
    if changes.get("is_active", customer_user.is_active) and email_taken(
        customer=customer, email=email, exclude_pk=customer_user.pk
    ):
        raise CustomerError(
            _("A contact with the email %(email)s already exists for this customer.")
            % {"email": email}
        )
    login = changes.get("login")
    if login is not None:
        login = changes["login"] = _valid_login(login)
    if (
        login
        and CustomerUser.objects.filter(login__iexact=login).exclude(pk=customer_user.pk).exists()
    ):
        raise CustomerError(_("The login %(login)s is already taken.") % {"login": login})
    for field, value in changes.items():
        setattr(customer_user, field, value)
    customer_user.save()
    if customers is not None:
        customer_user.customers.set({customer, *customers})
    else:
        customer_user.customers.add(customer)
    user = customer_user.user
    if user is not None and {"first_name", "last_name", "email"} & set(changes):
        user.first_name = customer_user.first_name
        user.last_name = customer_user.last_name
        user.email = customer_user.email
        user.save(update_fields=["first_name", "last_name", "email"])
    return customer_user


@transaction.atomic
def customer_user_deactivate(*, customer_user: CustomerUser) -> CustomerUser:
    """Keep the user but hide it from active lists; `portal_customer_user` then refuses its
    portal login (and logs out a running session on its next request)."""
    if customer_user.is_active:
        customer_user.is_active = False
        customer_user.save(update_fields=["is_active", "updated_at"])
    return customer_user


@transaction.atomic
def customer_user_reactivate(*, customer_user: CustomerUser) -> CustomerUser:
    if customer_user.is_active:
        return customer_user
    if email_taken(
        customer=customer_user.customer, email=customer_user.email, exclude_pk=customer_user.pk
    ):
        raise CustomerError(
            _("Another active contact of this customer uses %(email)s; change that one first.")
            % {"email": customer_user.email}
        )
    customer_user.is_active = True
    customer_user.save(update_fields=["is_active", "updated_at"])
    return customer_user


# --- locations and areas --------------------------------------------------------------------


@transaction.atomic
def location_save(
    *, customer: Customer, name: str, address: str = "", location: Location | None = None
) -> Location:
    """Create (no `location`) or rename/re-address a location of the customer."""
    name = name.strip()
    clash = Location.objects.filter(customer=customer, name__iexact=name)
    if location is not None:
        clash = clash.exclude(pk=location.pk)
    if clash.exists():
        raise CustomerError(
            _("This customer already has a location named %(name)s.") % {"name": name}
        )
    if location is None:
        return Location.objects.create(customer=customer, name=name, address=address)
    location.name = name
    location.address = address
    location.save(update_fields=["name", "address", "updated_at"])
    return location


@transaction.atomic
def location_set_active(*, location: Location, active: bool) -> Location:
    location.is_active = active
    location.save(update_fields=["is_active", "updated_at"])
    return location


@transaction.atomic
def area_save(*, location: Location, name: str, area: Area | None = None) -> Area:
    name = name.strip()
    clash = Area.objects.filter(location=location, name__iexact=name)
    if area is not None:
        clash = clash.exclude(pk=area.pk)
    if clash.exists():
        raise CustomerError(
            _("%(location)s already has an area named %(name)s.")
            % {"location": location.name, "name": name}
        )
    if area is None:
        return Area.objects.create(location=location, name=name)
    area.name = name
    area.save(update_fields=["name", "updated_at"])
    return area


@transaction.atomic
def area_set_active(*, area: Area, active: bool) -> Area:
    area.is_active = active
    area.save(update_fields=["is_active", "updated_at"])
    return area


# --- notification groups --------------------------------------------------------------------


@transaction.atomic
def notification_group_save(
    *,
    customer: Customer,
    name: str,
    description: str = "",
    is_active: bool = True,
    events=(),
    customer_users=(),
    agents=(),
    group: NotificationGroup | None = None,
) -> NotificationGroup:
    """Create (no `group`) or update a notification group with its events and members.

    Members must be contacts of this customer and agents; events must be known keys.
    """
    name = name.strip()
    clash = NotificationGroup.objects.filter(customer=customer, name__iexact=name)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise CustomerError(
            _("This customer already has a notification group named %(name)s.") % {"name": name}
        )
    events = [e for e in NotificationEvent.values if e in set(events)]
    customer_users = list(customer_users)
    agents = list(agents)
    if any(not cu.customers.filter(pk=customer.pk).exists() for cu in customer_users):
        raise CustomerError(_("Members must be contacts of this customer."))
    if any(not a.is_staff for a in agents):
        raise CustomerError(_("Agent members must be agents."))
    if group is None:
        group = NotificationGroup(customer=customer)
    group.name = name
    group.description = description
    group.is_active = is_active
    group.events = events
    group.save()
    group.customer_users.set(customer_users)
    group.agents.set(agents)
    return group
