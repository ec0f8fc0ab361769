"""Signals other apps listen to, so accounts never imports them."""

from django.dispatch import Signal

#: sent inside `services.user_close`'s transaction with `user`: apps erase what they keep
#: about the person beyond what must keep counting (signatures stay, anonymised)
user_closed = Signal()
