"""The audit trail, GET /v1/audit for admins, and residents' subject access reports."""
