"""Rules that span files: codes used in one file exist in the file that defines them, and
what several datasets publish fits together in one portal.

Checked by `kommune validate` and before every build (pipelines.declarations.load_portal), so a
mistake here is a declaration problem naming its file and key, never a failure while publishing.
"""
from __future__ import annotations

from pipelines.config.dataset import DatasetConfig
from pipelines.errors import ConfigProblem

MAX_HEADLINE_KPIS = 6  # tiles that fit the dashboard's first screen at 1280×900 (two rows of three)


def cross_dataset_problems(metadata: dict, datasets: dict[str, DatasetConfig], all_ids: set[str]) -> list[ConfigProblem]:
    """Codes used in one file must exist in the file that defines them."""
    problems = []
    licences = metadata.get("licences") or {}
    themes = metadata.get("themes")
    publisher = metadata.get("publisher")
    if publisher and licences and publisher.licence not in licences:
        problems.append(ConfigProblem("metadata/publisher.yaml", "licence", f"Lizenz „{publisher.licence}“ fehlt in metadata/licences.yaml"))
    for dataset in datasets.values():
        label = f"datasets/{dataset.id}/dataset.yaml"
        if licences and dataset.licence not in licences:
            problems.append(ConfigProblem(label, "licence", f"Lizenz „{dataset.licence}“ fehlt in metadata/licences.yaml; bekannt: {', '.join(sorted(licences))}"))
        if themes:
            for index, theme in enumerate(dataset.themes):
                if theme not in themes.data_themes:
                    problems.append(ConfigProblem(label, f"themes.{index}", f"Thema „{theme}“ fehlt in metadata/themes.yaml"))
            if dataset.musterdatenkatalog and dataset.musterdatenkatalog not in themes.musterdatenkatalog:
                problems.append(ConfigProblem(label, "musterdatenkatalog", f"„{dataset.musterdatenkatalog}“ fehlt in metadata/themes.yaml (musterdatenkatalog)"))
    headline = [kpi.id for kpi in metadata.get("kpis") or [] if kpi.headline]
    if len(headline) > MAX_HEADLINE_KPIS:
        problems.append(ConfigProblem("metadata/kpis.yaml", "headline",
                                      f"{len(headline)} Kennzahlen mit headline: true; höchstens {MAX_HEADLINE_KPIS} "
                                      "passen auf den ersten Bildschirm des Dashboards"))
    for index, kpi in enumerate(metadata.get("kpis") or []):
        for name in kpi.datasets:
            if name not in all_ids:
                problems.append(ConfigProblem("metadata/kpis.yaml", f"{index}.datasets", f"Datensatz „{name}“ gibt es nicht"))
    return problems
