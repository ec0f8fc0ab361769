"""Pages of open_data."""

app_name = "open_data"
urlpatterns: list = []
