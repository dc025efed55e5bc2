"""A group is a tree whatever route writes it: the database refuses a parent below the
account, two saves racing to close a loop cannot both land, and a loop stored before the
rule cannot send a page round forever."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import pre_save
from django.urls import reverse

from accounts.groups import group_units
from accounts.models import Account
from tests.factories import AccountFactory
from tests.needs import needs_postgresql


@pytest.fixture
def chain(kam1):
    """group <- unit <- department."""
    group = AccountFactory(owner=kam1, name="Group")
    unit = AccountFactory(owner=kam1, name="Unit", parent=group)
    department = AccountFactory(owner=kam1, name="Department", parent=unit)
    return group, unit, department


def test_the_database_refuses_a_parent_below_the_account(chain):
    group, _, department = chain

    with pytest.raises(IntegrityError, match="account_group_cycle"), transaction.atomic():
        Account.objects.filter(pk=group.pk).update(parent=department)

    group.refresh_from_db()
    assert group.parent is None


def test_a_bulk_update_closing_a_loop_is_refused(chain):
    group, unit, department = chain
    group.parent, unit.name = department, "Unit, renamed"

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.bulk_update([unit, group], ["parent", "name"])


def test_the_edit_form_answers_a_loop_that_raced_past_its_check(client, kam1, chain):
    """The form's check passes (the other unit is not below the group yet); a colleague
    moves that unit below the group before the save lands; the database refuses the loop
    and the user sees it on the parent field, not a 500."""
    group, unit, _ = chain
    other = AccountFactory(owner=kam1, name="Other unit")
    client.force_login(kam1)
    url = reverse("accounts:update", args=[group.pk])
    form = client.get(url).context["form"]
    data = {f.html_name: "" if f.value() is None else f.value() for f in form}
    data["parent"] = other.pk
    data.pop("is_strategic", None)

    def colleague_moves_other_below_group(sender, instance, **kwargs):
        if instance.pk == group.pk:
            Account.objects.filter(pk=other.pk).update(parent=unit)

    pre_save.connect(colleague_moves_other_below_group, sender=Account)
    try:
        response = client.post(url, data)
    finally:
        pre_save.disconnect(colleague_moves_other_below_group, sender=Account)

    assert response.status_code == 200
    assert "An account cannot be part of itself." in response.context["form"].errors["parent"]
    group.refresh_from_db()
    assert group.parent is None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_cannot_close_a_loop(kam1):
    """A under B in one transaction, B under A in another, at the same time: without the
    trigger's lock each would see no loop in the other's uncommitted state."""
    needs_postgresql("two connections write at once")
    a = AccountFactory(owner=kam1, name="A")
    b = AccountFactory(owner=kam1, name="B")
    first_wrote, results = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                Account.objects.filter(pk=a.pk).update(parent=b)
                first_wrote.set()
                threading.Event().wait(0.5)  # the second save reaches its check meanwhile
            results["first"] = "saved"
        finally:
            first_wrote.set()
            connection.close()

    def second():
        first_wrote.wait(5)
        try:
            with transaction.atomic():
                Account.objects.filter(pk=b.pk).update(parent=a)
            results["second"] = "saved"
        except IntegrityError as error:
            results["second"] = str(error).split(":")[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert results == {"first": "saved", "second": "account_group_cycle"}
    assert list(Account.objects.order_by("name").values_list("name", "parent__name")) == [
        ("A", "B"),
        ("B", None),
    ]


def test_a_loop_stored_before_the_rule_does_not_hang_the_group_walk(kam1, chain):
    group, unit, department = chain
    with connection.cursor() as cursor:  # as an old release could have stored it
        cursor.execute(
            "DROP TRIGGER account_group_no_cycle_update"
            + (" ON accounts_account" if connection.vendor == "postgresql" else "")
        )
    Account.objects.filter(pk=group.pk).update(parent=department)

    tree = group_units(account=unit, user=kam1)

    assert sorted(node.account.name for node in tree.walk()) == ["Department", "Group", "Unit"]
