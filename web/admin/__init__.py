"""The staff tool for synonym rules: pages and JSON API under /admin."""
