"""The web channel: a resident's own record and their change-of-address reports."""
