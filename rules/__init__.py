"""Rules that both sides of the portal apply, defined once: `pipelines/` writes by them and
`publish/` reads and serves by them. This package imports nothing of the portal's own."""
