"""Pages of action_plans."""

app_name = "action_plans"
urlpatterns: list = []
