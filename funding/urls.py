"""The funding pages, mounted at /funding/; the page named "home" is its menu entry."""

app_name = "funding"

urlpatterns: list = []
