"""Customers: accounts and their groups, stakeholders, buying centres, opportunities,
revenue and tiering."""
