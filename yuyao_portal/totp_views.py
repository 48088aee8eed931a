"""The second-factor pages: state, enrol (secret + QR, confirmed by a code), verify
after the password, disable (with a code). Rules live in ``yuyao_portal.totp``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import totp
from .views import safe_next

WRONG_CODE = _("That code is not right. Check the app's clock and try again.")


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        help_text=_("The six digits your authenticator app shows now."),
        error_messages={"invalid": _("Enter the six digits of the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SecondFactorMixin(LoginRequiredMixin):
    """Only users who may hold a second factor, or hold one (a post lost since): others
    see a 404."""

    enrolling = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        if not totp.may_enrol(user) and (self.enrolling or totp.confirmed_device(user) is None):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OTPStateView(SecondFactorMixin, View):
    def get(self, request):
        return render(
            request,
            "portal/otp_state.html",
            {
                "device": totp.confirmed_device(request.user),
                "required": totp.is_required(request.user),
                "form": CodeForm(),
            },
        )


class OTPEnrolView(SecondFactorMixin, View):
    template_name = "portal/otp_enrol.html"
    enrolling = True

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if (
            user.is_authenticated
            and totp.confirmed_device(user) is not None
            and not user.is_verified()
        ):
            return HttpResponseRedirect(reverse("otp-verify"))
        return super().dispatch(request, *args, **kwargs)

    def page(self, request, form, status=200):
        device = totp.pending_device(request.user)
        context = {
            "form": form,
            "secret": totp.secret_of(device),
            "qr": totp.qr_data_uri(device),
            "required": totp.is_required(request.user),
            "next": safe_next(request, ""),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.page(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            if totp.confirm_enrolment(request=request, code=form.cleaned_data["code"]):
                messages.success(request, _("The second factor is on."))
                return HttpResponseRedirect(safe_next(request, reverse("otp-state")))
            form.add_error("code", WRONG_CODE)
        return self.page(request, form, status=400)


class OTPVerifyView(SecondFactorMixin, View):
    template_name = "portal/otp_verify.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and totp.confirmed_device(user) is None and totp.may_enrol(user):
            return HttpResponseRedirect(reverse("home"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(
            request, self.template_name, {"form": CodeForm(), "next": safe_next(request, "")}
        )

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            if totp.verify(request=request, code=form.cleaned_data["code"]):
                return HttpResponseRedirect(safe_next(request, reverse("home")))
            form.add_error("code", WRONG_CODE)
        context = {"form": form, "next": safe_next(request, "")}
        return render(request, self.template_name, context, status=400)


class OTPDisableView(SecondFactorMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if totp.is_required(request.user):
            messages.error(request, _("The county requires a second factor of county admins."))
            return HttpResponseRedirect(reverse("otp-state"))
        form = CodeForm(request.POST)
        if form.is_valid() and totp.disable(request=request, code=form.cleaned_data["code"]):
            messages.success(request, _("The second factor is off."))
            return HttpResponseRedirect(reverse("otp-state"))
        if form.is_valid():
            form.add_error("code", WRONG_CODE)
        context = {
            "device": totp.confirmed_device(request.user),
            "required": False,
            "form": form,
        }
        return render(request, "portal/otp_state.html", context, status=400)
