"""The `jtflow` command line."""
