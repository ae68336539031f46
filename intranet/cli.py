"""`flask demo load` and `flask backup DEST`."""

import sqlite3
from pathlib import Path

import click
from flask.cli import AppGroup

from .extensions import db

demo_cli = AppGroup("demo", help="Ukázková data.")


@demo_cli.command("load")
def demo_load_command():
    """Load the fictional demo data once (does nothing if there are members already)."""
    from .demo import load_demo

    if load_demo():
        click.echo("Ukázková data nahrána. Přihlášení viz README.")
    else:
        click.echo("Databáze už data obsahuje; ukázková data se nenahrávají.")


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(dest: Path):
    """Write a consistent copy of the SQLite database to DEST while the app keeps running,
    readable by its owner only (it holds every member's data and password hashes)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise click.ClickException(
            "Záloha tímto příkazem je jen pro SQLite. Pro PostgreSQL použijte pg_dump (README).")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.touch(mode=0o600)
    dest.chmod(0o600)  # also an older file of that name; SQLite's journal inherits the mode
    source = sqlite3.connect(engine.url.database)
    target = sqlite3.connect(dest)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
    click.echo(f"Záloha uložena do {dest}")
