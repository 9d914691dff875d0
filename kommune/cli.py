"""`kommune`: the command line. Thin: parse options, call one function, explain known errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from contracts.build_folder import BUILD_REPORT_FILE
from contracts.german import german_date
from contracts.wishes import STATUSES
from kommune import portal
from kommune.releases import BuildLocked, OutOfSpace
from pipelines.build import BuildReport
from pipelines.errors import ConfigError, SettingInvalid
from publish.build_folder import BuildMissing
from publish.catalogue import CatalogueError
from publish.dataset_failure import DatasetPublishFailed
from publish.dcat.check import SHAPES_ENV, ShapesNotFound
from publish.dcat.source import CatalogueUnreadable

if TYPE_CHECKING:  # tqdm is imported only when a terminal shows the bar
    from tqdm import tqdm

portal_dir_option = click.option(
    "--portal-dir",
    "-C",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Portalverzeichnis mit datasets/ und metadata/.",
)
out_option = click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=portal.DEFAULT_OUT,
    show_default=True,
    help="Ausgabeordner des Builds (ein Symlink auf die aktuelle Version).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="offene-kommune")
def main() -> None:
    """Offene Kommune: offene Daten einer Stadt prüfen, bauen und veröffentlichen."""


@main.command()
@click.argument("datasets", nargs=-1)
@portal_dir_option
@out_option
@click.option("--quiet", "-q", is_flag=True, help="Keinen Fortschritt anzeigen.")
@click.option("--strict", is_flag=True, help="Hinweise (Warnungen) gelten als Fehler.")
def build(datasets: tuple[str, ...], portal_dir: Path, out: Path, quiet: bool, strict: bool) -> None:
    """Alle (oder die genannten) Datensätze bauen und das Portal atomar austauschen."""
    with _explained_errors(), _progress_bar(quiet) as progress:
        report = portal.build(portal_dir, out, only=list(datasets) or None, progress=progress)
    _finish(report, strict, quiet)


@main.command()
@click.argument("datasets", nargs=-1)
@portal_dir_option
@click.option("--no-sources", is_flag=True, help="Nur die Deklarationen prüfen, keine Quellen lesen.")
@click.option("--quiet", "-q", is_flag=True, help="Keinen Fortschritt anzeigen.")
@click.option("--strict", is_flag=True, help="Hinweise (Warnungen) gelten als Fehler.")
def validate(datasets: tuple[str, ...], portal_dir: Path, no_sources: bool, quiet: bool, strict: bool) -> None:
    """Deklarationen und Quellen prüfen, ohne etwas zu veröffentlichen."""
    with _explained_errors(), _progress_bar(quiet, verb="prüfe") as progress:
        config, report = portal.validate(
            portal_dir, sources=not no_sources, only=list(datasets) or None, progress=progress
        )
    if report is None:
        count = len(config.datasets)
        click.echo(f"Deklarationen gültig: {count} {'Datensatz' if count == 1 else 'Datensätze'}.")
        return
    _finish(report, strict, quiet, checking=True)


@main.command()
@click.argument("location", metavar="PFAD_ODER_URL")
@click.option("--id", "dataset_id", default=None, help="ID des neuen Datensatzes (sonst aus dem Dateinamen).")
@portal_dir_option
def add(location: str, dataset_id: str | None, portal_dir: Path) -> None:
    """Aus einer Datei (oder URL) einen Datensatz-Entwurf unter datasets/<id>/ anlegen."""
    from pipelines.add import AddFailed

    with _explained_errors(AddFailed):
        result = portal.add(portal_dir, location, dataset_id=dataset_id)
    click.echo(f"Angelegt: datasets/{result.dataset_id}/ (Quellenart {result.kind})")
    click.echo("Erkannt:")
    for line in result.decided:
        click.echo(f"  + {line}")
    if result.undecided:
        click.secho("Nicht entschieden (bitte prüfen):", fg="yellow")
        for line in result.undecided:
            click.echo(f"  ? {line}")
    click.echo("Noch zu schreiben:")
    for line in result.to_write:
        click.echo(f"  - {line}")
    click.echo(f"Dann: kommune validate {result.dataset_id}")


@main.command()
@out_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", "-p", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    "-w",
    default=None,
    type=click.IntRange(min=1),
    help="Prozesse, die Anfragen beantworten (Standard: einer je Prozessorkern).",
)
def serve(out: Path, host: str, port: int, workers: int | None) -> None:
    """Website und Datasette (unter /daten/) auf einem Port ausliefern."""
    with _explained_errors():
        portal.serve(out, host=host, port=port, workers=workers)


@main.group()
def publish() -> None:
    """Den aktuellen Build in andere Kataloge veröffentlichen."""


@publish.command("ckan")
@click.option("--url", required=True, envvar="CKAN_URL", help="Adresse des CKAN (oder $CKAN_URL).")
@out_option
@click.option("--dry-run", is_flag=True, help="Nur zeigen, was angelegt, geändert (Feld für Feld) und gelöscht würde.")
@click.option(
    "--prune", is_flag=True, help="Datensätze löschen, die das Portal angelegt hat und die nicht mehr im Build sind."
)
@click.option(
    "--upload/--link",
    default=False,
    show_default=True,
    help="Dateien hochladen oder auf die festen Adressen des Portals verlinken.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Jede Datei über die Adresse herunterladen, die CKAN für sie angibt, und ihre Prüfsumme "
    "mit dem Build vergleichen.",
)
@click.option("--quiet", "-q", is_flag=True, help="Keinen Fortschritt anzeigen.")
def publish_ckan(url: str, out: Path, dry_run: bool, prune: bool, upload: bool, verify: bool, quiet: bool) -> None:
    """Build nach CKAN veröffentlichen; das API-Token kommt aus $CKAN_API_TOKEN."""
    # Imported here: ckanapi and requests would cost every other command ~0.1 s of start-up.
    from publish.ckan import CkanError

    with _explained_errors(CkanError), _progress_bar(quiet, verb="veröffentliche") as progress:
        report = portal.publish_ckan(
            out,
            url,
            dry_run=dry_run,
            prune=prune,
            upload=upload,
            verify=verify,
            progress=(lambda done, total, name: progress(name)) if progress else None,
        )
    for line in report.lines():
        failed = line.startswith("!")
        click.secho(line, fg="red" if failed else None, err=failed)
    if not dry_run:
        click.echo("Im Protokoll vermerkt; /katalog/ zeigt diesen Lauf nach dem nächsten Build.")
    if not report.ok:
        sys.exit(1)


@main.command()
@click.argument("source", required=False)
@portal_dir_option
@out_option
@click.option(
    "--shapes",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Ordner mit den DCAT-AP.de-Shapes und Vokabularen (sonst ${SHAPES_ENV} oder ../shared/reference/dcat-ap-de).",
)
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["text", "html", "json"]),
    default="text",
    show_default=True,
    help="Form des Prüfberichts.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Bericht (html/json) in diese Datei schreiben statt auf die Konsole.",
)
def check(
    source: str | None, portal_dir: Path, out: Path, shapes: Path | None, report_format: str, output: Path | None
) -> None:
    """Einen DCAT-Katalog (Datei oder Adresse; sonst den des Builds) gegen DCAT-AP.de prüfen.

    Turtle, RDF/XML und JSON-LD. Exit-Code 0: konform, 1: Verstöße, 2: nicht lesbar.
    """
    from publish.dcat.findings import RENDERERS, summary

    with _explained_errors(CatalogueUnreadable):
        result = portal.check(portal_dir, out, source=source, shapes=shapes)
    text = RENDERERS[report_format](result)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            click.secho(f"Bericht nicht geschrieben: {output}: {error.strerror}", fg="red", err=True)
            sys.exit(2)
        click.echo(f"Bericht geschrieben: {output}")
    if report_format != "text":
        click.echo(summary(result), err=output is None)
    if not result.conforms:
        sys.exit(1)


@main.group()
def wuensche() -> None:
    """Datenwünsche aus dem Formular prüfen und ins Register metadata/datenwuensche.yaml übernehmen."""


@wuensche.command("list")
@out_option
def wishes_list(out: Path) -> None:
    """Wünsche in der Warteschlange zeigen (mit Kontaktangabe; nur für die Bearbeitung)."""
    from kommune import wishes

    queued = wishes.waiting(out)
    if not queued:
        click.echo("Keine Wünsche in der Warteschlange.")
        return
    for wish in queued:
        click.echo(f"Nr. {wish.number} vom {german_date(wish.received)}: {wish.title}")
        if wish.description:
            click.echo(f"    {wish.description}")
        if wish.contact:
            click.echo(f"    Kontakt (nicht veröffentlichen): {wish.contact}")


@wuensche.command("accept")
@click.argument("number", metavar="NUMMER", type=int)
@click.option(
    "--status",
    type=click.Choice(["eingegangen", "in-pruefung"]),
    default="eingegangen",
    show_default=True,
    help="Stand, mit dem der Wunsch ins Register kommt.",
)
@portal_dir_option
@out_option
def wishes_accept(number: int, status: str, portal_dir: Path, out: Path) -> None:
    """Wunsch NUMMER aus der Warteschlange ins Register übernehmen (ohne die Kontaktangabe)."""
    from kommune import wishes

    with _explained_errors(wishes.NotQueued):
        wish = wishes.accept(portal_dir, out, number, status)
    click.echo(
        f"Übernommen als Wunsch Nr. {wish.id} ({STATUSES[wish.status]}): {wish.title}. "
        "Veröffentlicht mit dem nächsten Build."
    )


@wuensche.command("reject")
@click.argument("number", metavar="NUMMER", type=int)
@out_option
def wishes_reject(number: int, out: Path) -> None:
    """Wunsch NUMMER aus der Warteschlange löschen (Werbung, doppelt, kein Datenwunsch)."""
    from kommune import wishes

    with _explained_errors(wishes.NotQueued):
        wish = wishes.reject(out, number)
    click.echo(f"Gelöscht: Nr. {wish.number} „{wish.title}“.")


@wuensche.command("status")
@click.argument("wish_id", metavar="NR", type=int)
@click.argument("status", type=click.Choice(["eingegangen", "in-pruefung", "veroeffentlicht", "nicht-moeglich"]))
@click.option("--datensatz", help="Bei veroeffentlicht: der Datensatz (Ordnername unter datasets/).")
@click.option(
    "--datum",
    type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]),
    help="Bei veroeffentlicht: seit wann (Standard: heute).",
)
@click.option("--grund", help="Bei nicht-moeglich: warum, in einfachen Worten.")
@click.option("--hinweis", help="Antwort oder Stand der Prüfung, wird veröffentlicht.")
@portal_dir_option
def wishes_status(
    wish_id: int,
    status: str,
    datensatz: str | None,
    datum,
    grund: str | None,
    hinweis: str | None,
    portal_dir: Path,
) -> None:
    """Den Stand von Wunsch NR im Register ändern."""
    from kommune import wishes

    with _explained_errors(wishes.WishNotFound):
        wish = wishes.set_status(
            portal_dir,
            wish_id,
            status,
            dataset=datensatz,
            published=datum.date() if datum else None,
            reason=grund,
            note=hinweis,
        )
    click.echo(f"Wunsch Nr. {wish.id} ist jetzt „{STATUSES[wish.status]}“. Veröffentlicht mit dem nächsten Build.")


class _explained_errors:
    """Known errors (and those of `extra` classes) become readable messages and exit code 2;
    bugs keep their traceback."""

    def __init__(self, *extra: type[Exception]):
        self.known = (
            BuildLocked,
            BuildMissing,
            CatalogueError,
            DatasetPublishFailed,
            ShapesNotFound,
            OutOfSpace,
            SettingInvalid,
            *extra,
        )

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, ConfigError):
            click.secho(f"Die Deklarationen enthalten {len(error.problems)} Fehler:", fg="red", err=True)
            for problem in error.problems:
                click.echo(f"  - {problem.describe()}", err=True)
            sys.exit(2)
        if isinstance(error, self.known):
            click.secho(str(error), fg="red", err=True)
            sys.exit(2)
        return False


class _progress_bar:
    def __init__(self, quiet: bool, verb: str = "baue"):
        self.quiet = quiet
        self.verb = verb
        self.bar: tqdm | None = None

    def __enter__(self) -> Callable[[str], None] | None:
        if self.quiet:
            return None
        if not sys.stderr.isatty():
            # A log file gets one plain line per dataset: tqdm's carriage-return frames would
            # pile up in it as one unreadable line.
            def line(dataset_id: str) -> None:
                click.echo(f"{self.verb} {dataset_id}", err=True)

            return line
        from tqdm import tqdm

        bar = self.bar = tqdm(unit=" Datensätze", file=sys.stderr, bar_format="{desc} {n_fmt} {unit} [{elapsed}]")

        def progress(dataset_id: str) -> None:
            bar.set_description(f"{self.verb} {dataset_id}")
            bar.update(1)

        return progress

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _finish(report: BuildReport, strict: bool, quiet: bool, checking: bool = False) -> None:
    failed = report.failed
    for result in report.datasets:
        if result.status in ("stale", "failed"):
            kept = "letzter gültiger Stand bleibt online" if result.status == "stale" else "nicht veröffentlicht"
            click.secho(
                f"FEHLER {result.id}: {result.summary}" + ("" if checking else f" ({kept})"), fg="red", err=True
            )
            for issue in result.issues[:20]:
                click.echo(f"  - {issue.describe()}", err=True)
            if len(result.issues) > 20:
                click.echo(
                    f"  … und {len(result.issues) - 20} weitere (siehe {report.file or BUILD_REPORT_FILE})", err=True
                )
        elif not quiet:
            click.echo(f"ok     {result.id}: {result.summary}, {result.rows} Zeilen, {result.seconds:.2f} s")
            deletions = result.details.get("deletions", {})
            if deletions:
                click.echo("         gelöscht: " + ", ".join(f"{d['count']} {kind}" for kind, d in deletions.items()))
        for found in result.details.get("quality", []):
            click.secho(
                f"Datenqualität {result.id}: {found['message']}: {found['count']}× "
                f"(z. B. {', '.join(found['examples'][:2])})",
                fg="yellow",
                err=True,
            )
    for warning in report.warnings:
        click.secho(f"Hinweis {warning}", fg="yellow", err=True)
    if not quiet:
        verdict = "geprüft" if checking else "in Ordnung"
        click.echo(
            f"{len(report.datasets) - len(failed)} von {len(report.datasets)} Datensätzen {verdict}"
            f"{', ' + str(len(failed)) + ' mit Fehlern' if checking and failed else ''}, {report.seconds:.1f} s."
        )
    if report.file is not None:
        click.echo(f"Bericht: {report.file}", err=bool(failed))
    if failed or (strict and report.warnings):
        sys.exit(1)
