"""The browser's pages for API tokens: each user makes and revokes their own; admins
see everyone's and can revoke any."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import ListView

from accounts.views import safe_next
from kamcrm.http import SignedInRequest

from .models import ApiToken
from .services import token_create, token_revoke

NEW_SECRET = "api_token_secret"  # in the session between the creation and its page


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]


@require_http_methods(["GET", "POST"])
def tokens(request: SignedInRequest) -> HttpResponse:
    """The user's tokens, and a new one: its secret is shown on the page the creation
    leads to, once. (Redirected to, so reloading that page does not make another.)"""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, secret = token_create(user=request.user, name=form.cleaned_data["name"])
        request.session[NEW_SECRET] = secret
        return redirect("api:tokens")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": request.session.pop(NEW_SECRET, ""),
            "tokens": request.user.api_tokens.all(),
        },
    )


@require_http_methods(["POST"])
def token_revoke_view(request: SignedInRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    if token_revoke(token=token, by=request.user):
        messages.success(request, _("The token %(token)s is revoked.") % {"token": token})
    return redirect(safe_next(request, request.POST.get("next", "")) or reverse("api:tokens"))


class TokenListAllView(ListView):
    """Every user's tokens, for admins."""

    template_name = "api/token_list_all.html"
    paginate_by = 50

    def get_queryset(self):
        return ApiToken.objects.select_related("user").order_by("revoked_at", "-created_at")


token_list_all = permission_required("api.view_all_apitokens", raise_exception=True)(
    TokenListAllView.as_view()
)
