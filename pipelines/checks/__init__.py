"""Custom Frictionless checks: only where Frictionless's own checks do not cover a case."""
