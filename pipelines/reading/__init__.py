"""The streaming reader of tabular sources: a Frictionless Resource read fast, with Frictionless's own
report whenever anything is wrong (checked.py), optionally in parts in several processes."""
