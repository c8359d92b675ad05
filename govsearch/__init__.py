"""The composition root: settings, the app factory and the `govsearch` command line."""
