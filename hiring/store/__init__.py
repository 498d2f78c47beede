"""The store: settings, the SQLite connection, schema migrations, the instance folder, plurals."""
