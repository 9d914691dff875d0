"""Publish build/ to CKAN with ckanapi (see publish.ckan.sync.publish_ckan)."""

from publish.ckan.client import (
    TOKEN_ENV,
    CkanClient,
    CkanError,
    CkanNotFound,
    CkanRejected,
    CkanTokenMissing,
    CkanUnavailable,
)
from publish.ckan.sync import PublishReport, publish_ckan

__all__ = [
    "TOKEN_ENV",
    "CkanClient",
    "CkanError",
    "CkanNotFound",
    "CkanRejected",
    "CkanTokenMissing",
    "CkanUnavailable",
    "PublishReport",
    "publish_ckan",
]
