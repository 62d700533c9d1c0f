"""Tools for the people who write Mend's dialogue: flow charts and conversation transcripts."""
