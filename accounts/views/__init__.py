"""Account views, one module per concept; every lookup goes through visible_to/editable_by."""
