"""Load and validate a portal directory (`datasets/` + `metadata/`) as a whole.

`load_portal` reports every problem of every file at once, as MkDocs does with its
configuration: a town's editor fixes them in one round, not one per run. It sits above
both `pipelines.config` (the models) and `pipelines.kinds` (which build on the models), so
neither imports the other's way back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import RootModel

from pipelines.config import EXTRA_METADATA, OPTIONAL_METADATA, REQUIRED_METADATA, PortalConfig
from pipelines.config.dataset import DATASET_ID, DatasetConfig
from pipelines.config.validation import validate_model
from pipelines.config.yamlfile import read_yaml
from pipelines.errors import ConfigError, ConfigProblem
from pipelines.kinds import KINDS, load_schema
from pipelines.portal_rules import (
    cross_dataset_problems,
    declared_tables,
    foreign_key_problems,
    kpi_query_problems,
    table_problems,
)


def load_portal(
    portal_dir: Path | str,
    only: list[str] | None = None,
    *,
    set_aside_invalid_datasets: bool = False,
    check_kpi_queries: bool = True,
) -> PortalConfig:
    """Read and validate `metadata/*.yaml` and every `datasets/*/dataset.yaml`.

    `only` limits which datasets are loaded (others are not read at all).
    Raises ConfigError holding every problem found across all files. With
    `set_aside_invalid_datasets` (what a build uses) a dataset whose own files have mistakes
    does not stop the portal: it lands in `PortalConfig.invalid_datasets` with its problems,
    and ConfigError is raised only for mistakes in metadata/ or unknown names in `only`.

    What several datasets publish must fit in one portal (pipelines.portal_rules): a clash of
    table names is a problem of the dataset that chose its name more freely. The KPIs' queries
    are compiled against the declared tables when every dataset's declaration could be read
    and `check_kpi_queries` is set (a build does not: a KPI that no longer fits shows as
    unavailable on the dashboard and must not hold back every dataset).
    """
    portal_dir = Path(portal_dir)
    problems: list[ConfigProblem] = []
    metadata: dict[str, Any] = {}  # the validated model of each metadata/ file
    if not (portal_dir / "metadata").is_dir():
        raise ConfigError([ConfigProblem(str(portal_dir), "", "kein Portalverzeichnis: metadata/ fehlt")])

    for name, model in {**REQUIRED_METADATA, **OPTIONAL_METADATA, **EXTRA_METADATA}.items():
        path = portal_dir / "metadata" / f"{name}.yaml"
        label = f"metadata/{name}.yaml"
        if not path.exists():
            if name in REQUIRED_METADATA:
                problems.append(ConfigProblem(label, "", "Datei fehlt"))
            continue
        data, read_problems = read_yaml(path, label)
        problems += read_problems
        if data is None and read_problems:
            continue
        value, model_problems = validate_model(model, data, label)
        problems += model_problems
        if value is not None:
            metadata[name] = value.root if isinstance(value, RootModel) else value

    datasets: dict[str, DatasetConfig] = {}
    datasets_dir = portal_dir / "datasets"
    folders = sorted(p for p in datasets_dir.iterdir() if p.is_dir()) if datasets_dir.is_dir() else []
    if only is not None:
        unknown = sorted(set(only) - {f.name for f in folders})
        problems += [ConfigProblem(f"datasets/{name}", "", "kein solcher Datensatz") for name in unknown]
        folders = [f for f in folders if f.name in only]
    for folder in folders:
        label = f"datasets/{folder.name}/dataset.yaml"
        if not DATASET_ID.match(folder.name):
            problems.append(
                ConfigProblem(
                    f"datasets/{folder.name}",
                    "",
                    "Ordnername ist keine gültige Datensatz-ID (a-z, 0-9, -; 2–63 Zeichen)",
                )
            )
            continue
        if not (folder / "dataset.yaml").exists():
            problems.append(ConfigProblem(label, "", "Datei fehlt"))
            continue
        data, read_problems = read_yaml(folder / "dataset.yaml", label)
        problems += read_problems
        if read_problems:
            continue
        dataset, model_problems = validate_model(DatasetConfig, data, label)
        problems += model_problems
        # Source and schema are checked even when the rest of the file has mistakes:
        # the editor gets every problem of the dataset in one run.
        raw_source = data.get("source") if isinstance(data, dict) else None
        kind_name = raw_source.get("kind") if isinstance(raw_source, dict) else None
        kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
        if isinstance(raw_source, dict) and kind is None:
            problems.append(
                ConfigProblem(
                    label, "source.kind", f"unbekannte Quellenart „{kind_name}“; bekannt: {', '.join(sorted(KINDS))}"
                )
            )
        source_config, schema = None, None
        if kind is not None:
            source_config, source_problems = validate_model(kind.Source, raw_source, label, prefix="source")
            problems += source_problems
            if kind.NEEDS_SCHEMA:
                schema, schema_problems = load_schema(folder, f"datasets/{folder.name}/schema.yaml")
                problems += schema_problems
        if dataset is None or kind is None or source_config is None:
            continue
        dataset.id, dataset.folder = folder.name, folder
        dataset.source_config, dataset.table_schema = source_config, schema
        problems += kind.check(dataset)
        datasets[dataset.id] = dataset
    all_ids = {f.name for f in datasets_dir.iterdir() if f.is_dir()} if datasets_dir.is_dir() else set()

    problems += cross_dataset_problems(metadata, datasets, all_ids)
    tables = declared_tables(datasets)
    problems += table_problems(tables) + foreign_key_problems(datasets, tables)
    if check_kpi_queries and only is None and set(datasets) == all_ids:
        problems += kpi_query_problems(metadata.get("kpis") or [], tables)
    invalid_datasets: dict[str, list[ConfigProblem]] = {}
    every_problem = list(problems)  # a stopped run still names every mistake, not only metadata/'s
    if set_aside_invalid_datasets:
        folder_names = {f.name for f in folders}
        for problem in problems:
            owner = _dataset_of(problem)
            if owner in folder_names:
                invalid_datasets.setdefault(owner, []).append(problem)
        problems = [p for p in problems if _dataset_of(p) not in invalid_datasets]
        datasets = {i: d for i, d in datasets.items() if i not in invalid_datasets}
    if problems:
        raise ConfigError(every_problem)
    return PortalConfig(
        publisher=metadata["publisher"],
        licences=metadata["licences"],
        themes=metadata["themes"],
        site=metadata["site"],
        kpis=metadata.get("kpis", []),
        extra={name: metadata[name] for name in EXTRA_METADATA if name in metadata},
        datasets=datasets,
        invalid_datasets=invalid_datasets,
    )


def _dataset_of(problem: ConfigProblem) -> str | None:
    """The dataset folder a problem belongs to (`datasets/<id>/...`), None for metadata/."""
    parts = problem.file.split("/")
    return parts[1] if len(parts) >= 2 and parts[0] == "datasets" else None
