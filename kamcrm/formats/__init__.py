"""Number and date formats where Django's own lack what the users write (FORMAT_MODULE_PATH:
a setting here wins, the rest comes from Django's)."""
