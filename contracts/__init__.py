"""Rules both sides must agree on: `pipelines/` writes by them and `publish/` reads by them.

Imports neither `pipelines` nor `publish` (docs/architecture.md, "Packages")."""
