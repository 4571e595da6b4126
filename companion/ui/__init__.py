"""PySide6 widgets. Imports Qt only through companion.ui.qt; never an HTTP client."""
