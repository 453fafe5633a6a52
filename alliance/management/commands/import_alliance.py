"""``manage.py import_alliance FILE.csv [--dry-run] [--skip-invalid] [--encoding ENC]``.

Imports directory entries; the columns are documented in ``alliance.importing``
(they are the columns of the directory's CSV export). Errors are reported per row
with the file's line number. A file with any invalid row imports nothing, unless
``--skip-invalid`` is given; ``--dry-run`` only checks and reports.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alliance import importing


class Command(BaseCommand):
    help = (
        "Import alliance directory entries from a CSV file (columns: see alliance.importing; "
        "required: name, category, postal_code, city, bundesland)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8 unless --encoding is given)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report only; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows even when other rows have errors.",
        )
        parser.add_argument(
            "--encoding",
            default="utf-8-sig",
            help="Encoding of the file (default utf-8, with or without BOM; e.g. cp1252).",
        )

    def handle(self, *args, file, dry_run, skip_invalid, encoding, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise CommandError(f"Cannot read {file}: {err.strerror}") from err
        try:
            report = importing.validate(data, encoding)
        except importing.ImportFileError as err:
            raise CommandError(f"{file}: {err} Nothing was imported.") from err
        if report.ignored_columns:
            self.stdout.write(
                self.style.WARNING("Ignored unknown columns: " + ", ".join(report.ignored_columns))
            )
        for error in report.errors:
            self.stderr.write(f"{file}: {error}")
        summary = (
            f"{report.rows} rows: {len(report.valid)} valid, {len(report.errors)} with errors."
        )
        if dry_run:
            self.stdout.write(f"{summary} Dry run: nothing was imported.")
            if report.errors and not skip_invalid:
                raise CommandError("The file has errors; an import would import nothing.")
            return
        if report.errors and not skip_invalid:
            raise CommandError(
                f"{summary} Nothing was imported. Correct the rows, or import the valid rows "
                "with --skip-invalid."
            )
        created = importing.do_import(report)
        skipped = f" ({len(report.errors)} invalid rows skipped)" if report.errors else ""
        self.stdout.write(
            self.style.SUCCESS(f"{summary} Imported {created} organisations{skipped}.")
        )
