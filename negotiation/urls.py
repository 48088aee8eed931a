"""The negotiation pages, mounted at /negotiation/; the page named "home" is its menu entry."""

app_name = "negotiation"

urlpatterns: list = []
