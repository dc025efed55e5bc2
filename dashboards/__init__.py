"""Dashboards for directors and KAMs. A separate app because it only reads the portfolio:
accounts and plans never depend on it. Its one model is a read model, each KAM's figures
kept ready for the dashboard and marked stale by the writes it listens to."""
