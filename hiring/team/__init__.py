"""The team you have: incumbent studies, coaching plans, re-assessment and readiness."""
