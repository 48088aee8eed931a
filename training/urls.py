"""The training pages, mounted at /training/; the page named "home" is its menu entry."""

app_name = "training"

urlpatterns: list = []
