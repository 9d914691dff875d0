"""Everything that extends Datasette: the portal plugin, facets from stored counts, German error
messages, SQL limits, the metadata and inspect data the build writes for it, the response cache."""
