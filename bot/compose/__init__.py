"""Composition of text from a person's own words: the message draft at the end of a repair, the
summary, and the views of past repairs. Pure (no IO, no clock): render.py calls it with the words
and the locale's phrases."""
