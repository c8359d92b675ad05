"""Server-rendered pages (Jinja2) over the same search call as the JSON API."""
