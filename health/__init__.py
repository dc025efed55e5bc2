"""Account health: one 0-100 score per account and night, from revenue, relationships,
contact, plan discipline, promises and pipeline.

An app of its own because it reads both `accounts` and `plans` (the plan in force, its
reviews), and `accounts` must not depend on `plans`: plans are made for accounts, not the
other way round. Nothing but pages and the dashboard reads it; the score it keeps on
each account (`Account.health`) is a copy for fast lists, as the tiers are.
"""
