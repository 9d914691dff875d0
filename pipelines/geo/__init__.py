"""Geodata for the "Bauen und Planen" family: read development plans from GeoJSON files,
HTTP URLs and OGC WFS services, transform them to WGS84, check their geometries and map
their XPlanung-style attributes to the portal's plan table.

The modules here are plain library code: they know nothing about `build/`, Datasette or
HTML. The source kinds `geojson` and `wfs` in `pipelines/kinds/` put them together.
"""
