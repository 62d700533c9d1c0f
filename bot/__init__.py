"""Mend: a coaching bot that helps people repair after an argument with their partner."""
