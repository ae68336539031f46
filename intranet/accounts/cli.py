"""`flask users create-admin EMAIL`: the first administrator of a new installation."""

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from ..i18n import format_moment
from . import services

users_cli = AppGroup("users", help="Účty členů a členek.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--first-name", default="Správce", show_default=True, help="Jméno.")
@click.option("--last-name", default="intranetu", show_default=True, help="Příjmení.")
@click.option("--organisation", help="Organizace (vznikne, pokud ještě není); jinak první.")
@click.option("--municipality", help="Obec nové organizace (vznikne, pokud ještě není).")
def create_admin_command(email: str, first_name: str, last_name: str,
                         organisation: str | None, municipality: str | None):
    """Create an administrator and print the link to set their password (valid as an
    invitation is: mail may not be set up yet)."""
    try:
        address = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(f"{email}: neplatná e-mailová adresa ({error}).") from None
    try:
        member, link, valid_until = services.create_admin(
            address, first_name, last_name, organisation, municipality)
    except services.EmailTaken:
        raise click.ClickException(f"Adresu {address} už má jiný účet.") from None
    except services.NoOrganisation:
        raise click.ClickException(
            "Účet patří do organizace: zadejte --organisation a --municipality (obec), "
            "v prázdném intranetu obojí.") from None
    click.echo(f"Správce vytvořen: {member.email} ({member.organisation.name}).\n"
               f"Heslo nastavte do {format_moment(valid_until)} na adrese:\n{link}")
