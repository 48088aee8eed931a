"""Resident accounts: sign up with a phone, then ask to be linked to a household."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.ratelimit import client_address

from .. import services
from ..forms import HouseholdRequestForm, PhoneForm, SignupForm
from ..models import Building, Community

SESSION_PHONE = "signup_phone"


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class SignupView(View):
    """Step 1: the phone gets a code. Step 2: the code, a name and a password."""

    template_name = "registration/signup.html"

    def get(self, request):
        phone = request.session.get(SESSION_PHONE)
        if request.GET.get("restart"):
            request.session.pop(SESSION_PHONE, None)
            phone = None
        return self._render(request, PhoneForm(), SignupForm() if phone else None, phone)

    def post(self, request):
        if request.user.is_authenticated:
            return redirect("grid:resident-home")
        if "send_code" in request.POST:
            phone_form = PhoneForm(request.POST)
            if phone_form.is_valid():
                phone = phone_form.cleaned_data["phone"]
                try:
                    services.send_verification_code(phone=phone, address=client_address(request))
                except ValidationError as exc:
                    _add_errors(phone_form, exc)
                else:
                    request.session[SESSION_PHONE] = phone
                    messages.success(request, _("A verification code was sent to your phone."))
                    return redirect("grid:signup")
            return self._render(request, phone_form, None, None, status=400)
        phone = request.session.get(SESSION_PHONE)
        if not phone:
            return redirect("grid:signup")
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                user = services.register_resident_account(
                    phone=phone,
                    password=form.cleaned_data["password1"],
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                request.session.pop(SESSION_PHONE, None)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your account is ready. Now tell us where you live."))
                return redirect("grid:household-request")
        return self._render(request, PhoneForm(), form, phone, status=400)

    def _render(self, request, phone_form, signup_form, phone, status=200):
        return render(
            request,
            self.template_name,
            {
                "phone_form": phone_form,
                "form": signup_form,
                "phone": phone,
                "demo": settings.PORTAL_DEMO,
            },
            status=status,
        )


class HouseholdRequestView(LoginRequiredMixin, View):
    """Choose a community, then the building, unit and room, and ask to be linked."""

    template_name = "grid/household_request.html"

    def _community(self, request):
        value = request.GET.get("community") or request.POST.get("community")
        if value and value.isdigit() and len(value) < 19:
            return Community.objects.filter(pk=int(value)).select_related("street").first()
        return None

    def _form(self, request, community, data=None):
        buildings = Building.objects.filter(community=community).order_by("code")
        initial = {"name": request.user.display_name}
        return HouseholdRequestForm(data, buildings=buildings, initial=initial)

    def get(self, request):
        community = self._community(request)
        form = self._form(request, community) if community else None
        return self._render(request, community, form)

    def post(self, request):
        community = self._community(request)
        if community is None:
            return redirect("grid:household-request")
        form = self._form(request, community, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_household_verification(
                    user=request.user,
                    building=data["building"],
                    unit=data["unit"],
                    room=data["room"],
                    name=data["name"],
                    phone=request.user.username if request.user.username.isdigit() else "",
                    id_last4=data.get("id_last4") or "",
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("Your request was sent. Your grid member will confirm it soon.")
                )
                return redirect("grid:resident-home")
        return self._render(request, community, form, status=400)

    def _render(self, request, community, form, status=200):
        communities = Community.objects.select_related("street").order_by("street__code", "code")
        return render(
            request,
            self.template_name,
            {"community": community, "communities": communities, "form": form},
            status=status,
        )
