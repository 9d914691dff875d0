"""`kommune add`: from a town's file (or URL) to a dataset folder that builds without an edit."""
