"""The core pages: home, dataset list (by theme and family), one page per dataset, build
report, about, and the 404 page."""

from __future__ import annotations

from contracts.build_folder import PACKAGE_FILE, REPORT_FILE
from publish.dataset_failure import for_dataset
from publish.datasette.summaries import summary_in_build
from publish.freshness import health
from publish.site.context import FAMILY_WORDS, SiteContext
from publish.site.dataset_profile import PREVIEW_ROWS, profile_table, read_report


def render(site: SiteContext) -> None:
    packages = site.packages
    report = {entry["id"]: entry for entry in site.build.report.get("datasets", [])}
    newest = sorted(packages, key=lambda p: p["kommune"].get("modified") or "", reverse=True)[:6]
    families = [
        {"code": code, "label": label, "count": sum(1 for p in packages if p["kommune"]["family"] == code)}
        for code, label in FAMILY_WORDS.items()
    ]
    themes = _themes_in_use(site, packages)
    site.write_page(
        "",
        "home.html",
        newest=newest,
        families=families,
        packages=packages,
        sample=any(p["kommune"].get("sample") for p in packages),
    )
    site.write_page(
        "datensaetze",
        "datasets.html",
        packages=packages,
        themes=themes,
        families=families,
        heading="Alle Datensätze",
        active=None,
    )
    for theme in themes:
        chosen = [p for p in packages if theme["code"] in [t["code"] for t in p["kommune"]["themes"]]]
        site.write_page(
            f"datensaetze/thema/{theme['code'].lower()}",
            "datasets.html",
            packages=chosen,
            themes=themes,
            families=families,
            heading=f"Thema: {theme['label']}",
            active=theme["code"],
        )
    for family in families:
        chosen = [p for p in packages if p["kommune"]["family"] == family["code"]]
        site.write_page(
            f"datensaetze/bereich/{family['code']}",
            "datasets.html",
            packages=chosen,
            themes=themes,
            families=families,
            heading=family["label"],
            active=family["code"],
        )
    by_id = {p["name"]: p["kommune"] for p in packages}
    healths = {
        dataset_id: health(
            entry,
            (by_id.get(dataset_id) or {}).get("frequency"),
            site.now,
            (by_id.get(dataset_id) or {}).get("modified"),
        )
        for dataset_id, entry in report.items()
    }
    for package in packages:
        with for_dataset(package["name"], "Website"):
            _dataset_page(
                site,
                package,
                report.get(package["name"]),
                healths.get(package["name"]),
                site.quality.get(package["name"]),
            )
    site.write_page(
        "bericht",
        "report.html",
        entries=site.build.report.get("datasets", []),
        healths=healths,
        quality=site.quality,
        overdue=sorted(dataset_id for dataset_id, promise in healths.items() if promise["overdue"]),
        started=site.build.report.get("started"),
        titles={p["name"]: p["title"] for p in packages},
    )
    site.write_page("ueber", "about.html")
    site.write_file("404.html", "404.html")


def _themes_in_use(site: SiteContext, packages: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for package in packages:
        for theme in package["kommune"]["themes"]:
            entry = seen.setdefault(theme["code"], {**theme, "count": 0})
            entry["count"] += 1
    return sorted(seen.values(), key=lambda t: t["label"])


#: Copies for spreadsheet users the build writes beside each table (pipelines/spreadsheet_downloads.py).
SPREADSHEET_COPIES = {"xlsx": "Excel-Tabelle (XLSX)", "csv_de": "CSV für Excel (Semikolon, Dezimalkomma)"}


def _dataset_page(
    site: SiteContext, package: dict, report_entry: dict | None, source_health: dict | None, quality: dict | None
) -> None:
    dataset_id = package["name"]
    folder = site.build.dataset_dir(dataset_id)
    base = f"datensaetze/{dataset_id}"
    downloads = []
    for resource in package["resources"]:
        site.publish_file(folder / resource["path"], f"{base}/{resource['path']}")
        json_file = resource.get("kommune", {}).get("json")
        downloads.append(
            {"resource": resource, "format": "CSV", "path": resource["path"], "bytes": resource.get("bytes")}
        )
        if json_file:
            site.publish_file(folder / json_file["path"], f"{base}/{json_file['path']}")
            downloads.append(
                {"resource": resource, "format": "JSON", "path": json_file["path"], "bytes": json_file.get("bytes")}
            )
        copies = resource.get("kommune", {}).get("downloads") or {}
        for kind, label in SPREADSHEET_COPIES.items():
            if kind in copies:
                site.publish_file(folder / copies[kind]["path"], f"{base}/{copies[kind]['path']}")
                downloads.append(
                    {
                        "resource": resource,
                        "format": label,
                        "path": copies[kind]["path"],
                        "bytes": copies[kind].get("bytes"),
                    }
                )
    site.publish_file(folder / PACKAGE_FILE, f"{base}/{PACKAGE_FILE}")
    site.publish_file(folder / REPORT_FILE, f"{base}/{REPORT_FILE}")
    readme = (folder / "README.md").read_text(encoding="utf-8") if (folder / "README.md").exists() else ""
    checks = (
        read_report((folder / REPORT_FILE).read_text(encoding="utf-8")) if (folder / REPORT_FILE).exists() else None
    )
    profiles = {resource["name"]: profile_table(site.db, resource) for resource in package["resources"]}
    site.write_page(
        base,
        "dataset.html",
        package=package,
        meta=package["kommune"],
        downloads=downloads,
        readme=readme,
        report=report_entry,
        health=source_health,
        quality=quality,
        checks=checks,
        profiles=profiles,
        summaries={
            resource["name"]: summary_in_build(site.build, dataset_id, resource) for resource in package["resources"]
        },
        preview_rows=PREVIEW_ROWS,
        base=f"/{base}/",
    )
    # The report in German for people; report.json stays beside it for machines.
    site.write_page(
        f"{base}/pruefbericht",
        "dataset_report.html",
        package=package,
        meta=package["kommune"],
        report=report_entry,
        checks=checks,
        base=f"/{base}/",
    )
