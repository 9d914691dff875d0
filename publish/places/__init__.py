"""Council business by place: streets, districts and plan areas found in council texts."""

LINKS_TABLE = "portal_ortsbezug"  # written into portal.db by publish.places.links
