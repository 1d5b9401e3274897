"""Risk scores, integrity indices, rankings with honest uncertainty, and the review queue."""
