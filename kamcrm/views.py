from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, ListView, UpdateView
from django.views.i18n import set_language
from rules.contrib.views import PermissionRequiredMixin, permission_required

from .cache import ForgivingRedisCache
from .celery import app
from .forms import HandOverForm, TeamForm, UserFilterForm, UserForm
from .http import SignedInRequest
from .models import Team, User
from .query import id_field
from .selectors import getting_started, holdings
from .services import user_create, user_deactivate, user_send_password_link, user_set_active
from .signals import announce_portfolio_change

DEMO_USERNAMES = ["admin", "director1", "kam1", "director2", "kam2"]


class LoginView(auth_views.LoginView):
    """Sign-in; while debug is on it lists the demo users so a newcomer can get in."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_usernames"] = DEMO_USERNAMES if settings.DEBUG else []
        return context


@require_POST
def language_set(request: SignedInRequest) -> HttpResponse:
    """The language switcher: the choice is saved on the user's profile, so it follows
    them to every device and to their emails; Django's own view then sets the cookie and
    goes back to the page."""
    code = request.POST.get("language", "")
    if code in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=code)
    return set_language(request)


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    return auth_views.redirect_to_login(request.GET.get("next") or reverse("admin:index"))


def home(request: HttpRequest) -> HttpResponse:
    """KAMs and directors start on their dashboard; admins on the users they manage."""
    if request.user.has_perm("kamcrm.manage_users"):
        return redirect("user_list")
    return redirect("dashboards:dashboard")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Each dependency's state, within about three seconds whatever is down: 503 when
    the database cannot answer (nothing works without it); the cache and the broker
    only degrade the app, so they are reported, not failed on."""
    database = _database_state()
    return JsonResponse(
        {"database": database, "cache": _cache_state(), "broker": _broker_state()},
        status=200 if database == "ok" else 503,
    )


def _database_state() -> str:
    """A fresh connection with a short timeout, not one from the pool: the pool would
    wait its whole timeout for a connection while the database is away."""
    try:
        if connection.vendor == "postgresql":
            import psycopg

            params = {**connection.get_connection_params(), "connect_timeout": 1}
            try:
                with psycopg.connect(**params) as probe:
                    probe.execute("SELECT 1")
            except psycopg.Error:
                return "unreachable"
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return "ok"


def _cache_state() -> str:
    if not settings.REDIS_URL:
        return "local"
    backend = caches["default"]
    try:
        if isinstance(backend, ForgivingRedisCache):
            backend.ping()
    except Exception:
        return "unreachable"
    return "ok"


def _broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
    except Exception:  # any transport error means the same to a load balancer
        return "unreachable"
    return "ok"


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


class NotificationListView(ListView):
    template_name = "kamcrm/notification_list.html"
    paginate_by = 30

    def get_queryset(self):
        return self.request.user.notifications.all()


@require_http_methods(["POST"])
def notifications_mark_read(request: SignedInRequest) -> HttpResponse:
    """Marks one notification (`id`) or all of the user's as read."""
    unread = request.user.notifications.unread()
    if request.POST.get("id"):
        field = id_field()
        try:
            unread = unread.filter(pk=field.clean(request.POST["id"]))
        except ValidationError:
            return HttpResponseBadRequest(_("No such notification."))
    unread.update(read_at=timezone.now())
    return redirect("notifications")


class UserListView(PermissionRequiredMixin, ListView):
    permission_required = "kamcrm.manage_users"
    template_name = "kamcrm/user_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = UserFilterForm(self.request.GET or None)
        users = User.objects.select_related("team").prefetch_related("led_teams")
        return self.filter_form.filter(users).order_by("username")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["getting_started"] = getting_started()
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


class UserCreateView(PermissionRequiredMixin, CreateView):
    permission_required = "kamcrm.manage_users"
    form_class = UserForm
    template_name = "kamcrm/user_form.html"

    def form_valid(self, form):
        user = user_create(form=form, base_url=_base_url(self.request))
        messages.success(
            self.request,
            _("%(user)s was created and emailed a link to choose a password.") % {"user": user},
        )
        return redirect("user_list")


class UserUpdateView(PermissionRequiredMixin, UpdateView):
    permission_required = "kamcrm.manage_users"
    model = User
    form_class = UserForm
    template_name = "kamcrm/user_form.html"
    context_object_name = "managed_user"
    success_url = reverse_lazy("user_list")

    def form_valid(self, form):
        messages.success(self.request, _("%(user)s was saved.") % {"user": form.instance})
        response = super().form_valid(form)
        if "username" in form.changed_data:  # the dashboards' lists carry it
            announce_portfolio_change(owner_ids=[self.object.pk])
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Attempts are kept per username and address; the lock counts them all.
        failures = AccessAttempt.objects.filter(username=self.object.username).aggregate(
            failures=Sum("failures_since_start")
        )["failures"]
        context["locked_out"] = (failures or 0) >= settings.AXES_FAILURE_LIMIT
        return context


@permission_required("kamcrm.manage_users", raise_exception=True)
@require_http_methods(["GET", "POST"])
def user_set_active_view(request: SignedInRequest, pk: int, active: bool) -> HttpResponse:
    """Asks first on GET; reactivates, or deactivates, on POST. Deactivating someone who
    still holds accounts, open work or teams is a wizard: what they hold, who takes each
    kind over (`?step=choose`), then a confirmation of every move, all done in one go."""
    user = get_object_or_404(User.objects.prefetch_related("led_teams"), pk=pk)
    held = {} if active else holdings(user)
    teams = [] if active else list(user.led_teams.all())
    data = request.POST if request.method == "POST" else None
    form = HandOverForm(data, leaving=user, held=held, teams=teams)
    wizard = any(held.values()) or bool(teams)
    step = "choose" if wizard and request.GET.get("step") == "choose" else "what"
    if request.method == "POST":
        if not form.is_valid():
            step = "choose"
        elif wizard and request.POST.get("step") != "confirm":
            step = "confirm"
        else:
            return _set_active(request, user, active, form)
    return render(
        request,
        "kamcrm/user_confirm_active.html",
        {
            "managed_user": user, "active": active, "held": held, "teams": teams,
            "form": form, "wizard": wizard, "step": step,
        },
    )  # fmt: skip


def _set_active(request: SignedInRequest, user: User, active: bool, form) -> HttpResponse:
    try:
        if active:
            user_set_active(user=user, active=True, by=request.user)
        else:
            user_deactivate(
                user=user, by=request.user, takers=form.takers(), directors=form.directors()
            )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        text = _("%(user)s was reactivated.") if active else _("%(user)s was deactivated.")
        messages.success(request, text % {"user": user})
    return redirect("user_list")


@permission_required("kamcrm.manage_users", raise_exception=True)
@require_http_methods(["POST"])
def user_send_password_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        user_send_password_link(user=user, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("A password link was emailed to %(email)s.") % {"email": user.email}
        )
    return redirect(reverse("user_update", args=[user.pk]))


class TeamListView(PermissionRequiredMixin, ListView):
    permission_required = "kamcrm.manage_users"
    template_name = "kamcrm/team_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            Team.objects.select_related("director")
            .annotate(member_count=Count("members", distinct=True))
            .order_by("name")
        )


class TeamCreateView(PermissionRequiredMixin, CreateView):
    permission_required = "kamcrm.manage_users"
    form_class = TeamForm
    template_name = "kamcrm/team_form.html"
    success_url = reverse_lazy("team_list")


class TeamUpdateView(PermissionRequiredMixin, UpdateView):
    permission_required = "kamcrm.manage_users"
    model = Team
    form_class = TeamForm
    template_name = "kamcrm/team_form.html"
    success_url = reverse_lazy("team_list")


@permission_required("kamcrm.manage_users", raise_exception=True)
@require_http_methods(["POST"])
def user_unlock_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Lifts a sign-in lock-out after failed attempts, before its cool-off ends."""
    user = get_object_or_404(User, pk=pk)
    axes_reset(username=user.username)
    messages.success(request, _("%(user)s can sign in again.") % {"user": user})
    return redirect(reverse("user_update", args=[user.pk]))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refused before any view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("The request is too large or malformed.")}, status=400)
    return defaults.bad_request(request, exception)
