from django.urls import path, re_path

from . import views

app_name = "certificates"

NUMBER = r"(?P<number>[0-9A-Za-z-]{1,32})"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    re_path(rf"^{NUMBER}/$", views.verify, name="verify"),
    re_path(rf"^{NUMBER}/qr\.(?P<fmt>svg|png)$", views.qr_image, name="qr"),
    re_path(rf"^{NUMBER}/pdf/$", views.pdf, name="pdf"),
]
