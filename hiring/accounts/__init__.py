"""Staff accounts, passwords, sign-in sessions and the audit log."""
