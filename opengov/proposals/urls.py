"""Pages of proposals."""

app_name = "proposals"
urlpatterns: list = []
