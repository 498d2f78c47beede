"""The store: settings, the SQLite connection, migrations, the instance folder, file readers, plurals."""
