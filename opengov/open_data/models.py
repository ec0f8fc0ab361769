"""Models of open_data."""
