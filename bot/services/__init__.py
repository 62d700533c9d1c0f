"""Use cases: load state, run the engine, save state and queue effects, all in one transaction."""
