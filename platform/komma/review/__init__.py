"""Editorial review of the knowledge platform: the four-eyes workflow and its dashboard."""
