"""The build folder's file contract: which files a build writes where. `pipelines/` writes
them (pipelines/build.py, pipelines/output.py, pipelines/package.py), `publish/` reads them
(publish/build_folder.py and every publisher); the names are defined here once.

    <release>/
      portal.json             PORTAL_FILE        the resolved portal configuration (PortalConfig.resolved())
      build-report.json       BUILD_REPORT_FILE  per dataset: status, summary, issues, last success
      publish-record.json     PUBLISH_RECORD_FILE the publish runs up to this build (publish/publish_record.py),
                                                 copied from the state folder by `kommune build`
      portal.db               DATABASE_FILE      written by publish/database.py from the CSVs
      site/                   SITE_DIR           the static site (publish/site)
      quality.json            QUALITY_FILE       per dataset: quality score and freshness promise (publish/quality)
      datasets/<id>/          DATASETS_DIR       one folder per dataset:
        datapackage.json      PACKAGE_FILE       Frictionless data package with the `kommune` block
        report.json           REPORT_FILE        validation result: valid, issues, rows, warnings
        <resource>.csv/.json                     one pair per resource (pipelines/output.py)
        disclosure-audit.json AUDIT_FILE         the disclosure control's audit (service-records kind)
        versions.json         VERSIONS_FILE      the dataset's version log (contracts/history.py)
        versionen/<n>/        VERSIONS_DIR       per version n: its change list, and for the last
                                                 kept versions the full tables (<resource>.csv.gz)
        dokumente/            DOCUMENTS_DIR      council documents bundled with a recorded OParl system (demo),
                                                 published beside the dataset's downloads
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PORTAL_FILE = "portal.json"
BUILD_REPORT_FILE = "build-report.json"
PUBLISH_RECORD_FILE = "publish-record.json"
DATABASE_FILE = "portal.db"
SITE_DIR = "site"
# beside site/, not served: per council page (its URL), the key of its inputs; per section carried
# over whole ("section:<name>", publish/site/context.py SECTION_KEY_PREFIX), the key of all it reads
SITE_INPUTS_FILE = "site-inputs.json"
DATASETS_DIR = "datasets"
PACKAGE_FILE = "datapackage.json"
REPORT_FILE = "report.json"
AUDIT_FILE = "disclosure-audit.json"
QUALITY_FILE = "quality.json"
VERSIONS_FILE = "versions.json"
VERSIONS_DIR = "versionen"
DOCUMENTS_DIR = "dokumente"


@dataclass
class BuildLayout:
    """Where the files of the build folder at `root` lie."""

    root: Path

    @property
    def portal_file(self) -> Path:
        return self.root / PORTAL_FILE

    @property
    def build_report_file(self) -> Path:
        return self.root / BUILD_REPORT_FILE

    @property
    def publish_record_file(self) -> Path:
        return self.root / PUBLISH_RECORD_FILE

    @property
    def database(self) -> Path:
        return self.root / DATABASE_FILE

    @property
    def site_dir(self) -> Path:
        return self.root / SITE_DIR

    @property
    def quality_file(self) -> Path:
        return self.root / QUALITY_FILE

    @property
    def datasets_dir(self) -> Path:
        return self.root / DATASETS_DIR

    def dataset_dir(self, dataset_id: str) -> Path:
        return self.datasets_dir / dataset_id
