"""Local storage: SQLite, content-addressed assets, full-text search (later issues)."""
