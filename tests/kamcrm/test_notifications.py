from django.urls import reverse

from kamcrm.models import Notification


def notify(user, account="Siam Cement"):
    return Notification.objects.create(
        user=user,
        kind="tier_change",
        url="/accounts/1/",
        data={
            "account": account,
            "old_class": "C",
            "new_class": "A",
            "old_status": "active",
            "new_status": "active",
        },
    )


def test_the_bell_counts_unread_notifications(client, kam1):
    notify(kam1)
    notify(kam1)
    client.force_login(kam1)

    html = client.get(reverse("home"), follow=True).content.decode()

    assert '<span class="badge text-bg-danger">2</span>' in html


def test_the_list_shows_only_your_own_worded_notifications(client, kam1, kam2):
    notify(kam1, "Siam Cement")
    notify(kam2, "Hanoi Steel")
    client.force_login(kam1)

    html = client.get(reverse("notifications")).content.decode()

    assert "Siam Cement: class C → A" in html
    assert "Hanoi Steel" not in html


def test_marking_one_or_all_as_read(client, kam1, kam2):
    first, second = notify(kam1), notify(kam1)
    theirs = notify(kam2)
    client.force_login(kam1)

    client.post(reverse("notifications_read"), {"id": first.pk})
    assert set(Notification.objects.unread().values_list("pk", flat=True)) == {second.pk, theirs.pk}

    client.post(reverse("notifications_read"), {"id": theirs.pk})  # not theirs to mark
    client.post(reverse("notifications_read"))
    assert list(Notification.objects.unread()) == [theirs]


def test_marking_needs_post(client, kam1):
    client.force_login(kam1)

    assert client.get(reverse("notifications_read")).status_code == 405
