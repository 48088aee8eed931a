"""The volunteers pages, mounted at /volunteers/; the page named "home" is its menu entry."""

app_name = "volunteers"

urlpatterns: list = []
