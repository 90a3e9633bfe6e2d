"""Flask web app: task inbox, case pages and REST API (see issue 4)."""
