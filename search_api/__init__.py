"""The search service (one search call) and its versioned JSON API."""
