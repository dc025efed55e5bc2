"""Signals for changes that bypass model saves, for apps that keep figures derived from
accounts (dashboards) to listen to without accounts knowing them."""

from django.dispatch import Signal

# Sent after a bulk change (tiering, imports) with owner_ids: the owners whose portfolios
# changed, or None for everyone's.
portfolio_changed = Signal()
