"""People: users and accounts, the access rule (S1), who reads what, reference data."""
