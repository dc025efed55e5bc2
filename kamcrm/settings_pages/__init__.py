"""The admins' Settings pages: the numbers and lists every figure of the app depends on
(thresholds, currencies and rates, stages, product lines, competitors, the fiscal year,
health weights), edited in the app; the Django admin stays as a fallback for superusers."""
