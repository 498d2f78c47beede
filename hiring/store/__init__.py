"""The store: settings, the SQLite connection, schema migrations and instance paths."""
