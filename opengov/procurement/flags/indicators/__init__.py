"""One module per red flag, each defining `FLAG`; modules starting with "_" are helpers."""
