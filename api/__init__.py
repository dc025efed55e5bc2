"""The REST API: every app's records and rules adapted to HTTP and JSON for machines (ERPs
pushing revenue, BI tools reading tiers). A boundary of its own: it owns the personal API
tokens and how a request is authenticated and throttled, and decides nothing else; who
sees and changes what comes from the apps' querysets and permissions, and every write
goes through their services."""
