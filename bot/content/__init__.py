"""Content: YAML flows, message catalogs and lexicons, loaded and validated before anything runs."""
