"""Models of action_plans."""
