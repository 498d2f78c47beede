"""The store: settings, the SQLite connection, schema migrations, instance paths, file readers."""
