"""`kommune serve`: one ASGI app for the site and Datasette (app.py) and the protections around
every answer (headers, CORS, access log, request gate, HTTP limits, served address)."""
