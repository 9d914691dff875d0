"""What the `geojson` and `wfs` source kinds share: checking the declaration and writing
the one resource a geodata source yields."""

from __future__ import annotations

from pipelines.config.dataset import DatasetConfig
from pipelines.config.file_source import FileSource
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem
from pipelines.geo.resource import REPAIR_STEP, FeatureSettings, build_rows, wants_repair
from pipelines.output import ResourceOutput, write_resource


def check_steps(dataset: DatasetConfig) -> list[ConfigProblem]:
    """Geodata sources take one step, `make-valid`; anything else is a declaration mistake."""
    label = f"datasets/{dataset.id}/dataset.yaml"
    return [
        ConfigProblem(
            label, f"steps.{index}.type", f"„{step.type}“ gibt es für Geodaten nicht; erlaubt ist nur {REPAIR_STEP}"
        )
        for index, step in enumerate(dataset.steps)
        if step.type != REPAIR_STEP
    ]


def check_file_source(dataset: DatasetConfig) -> list[ConfigProblem]:
    """`check` of the file-based geodata kinds (geojson, shapefile, xplan): the steps, and that
    a declared `path` exists in the dataset folder."""
    source: FileSource = dataset.source_config
    return check_steps(dataset) + source.missing_file(dataset)


def write_features(
    dataset: DatasetConfig, ctx: RunContext, document: dict, settings: FeatureSettings, shown_name: str
) -> list[ResourceOutput]:
    """Check, transform and map `document`, then write it as the dataset's one resource.

    Raises `pipelines.errors.DatasetFailed` when any feature cannot be published.
    """
    schema, rows, repairs = build_rows(document, settings, wants_repair(dataset.steps), shown_name, ctx.warnings)
    for feature_id, note in repairs:
        ctx.progress(f"{dataset.id}: Objekt {feature_id}: {note}")
    plans = settings.plans is not None
    return [
        write_resource(
            ctx.out_dir,
            settings.resource or dataset.table_name(),
            schema,
            rows,
            title=dataset.title,
            description=dataset.description.strip()
            + (f" Reparierte Geometrien: {', '.join(sorted({feature for feature, _ in repairs}))}." if repairs else ""),
            fts=["nummer", "name"] if plans else [],
            indexes=[["verfahrensstand"], ["nummer"]] if plans else [],
            facets=["verfahrensstand_text", "planart"] if plans else [],
            geometry="geometrie",
            date_fields=dataset.temporal.fields,
        )
    ]
