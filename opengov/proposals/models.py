"""Models of proposals."""
