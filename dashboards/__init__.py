"""Dashboards for directors and KAMs. A separate app because it only reads: it owns no
models and depends on accounts and plans, which must never depend on it."""
