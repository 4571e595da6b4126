"""What the UI calls: plain Python, usable from the CLI and tests."""
