"""Programme insight: the staff dashboards (`/insights/`), their exports and the public figures (`/programme/`)."""
