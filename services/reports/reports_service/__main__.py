import argparse

from mejora_common.cli import Command, run_cli

from .db import MIGRATIONS_DIR
from .seed import seed
from .settings import get_settings


def _worker(_database_url: str, _args: argparse.Namespace) -> str:
    from .worker import main  # noqa: PLC0415 - WeasyPrint and the worker's threads only when the worker runs

    return main(get_settings())


WORKER = Command(
    name="worker",
    help="genera en segundo plano los documentos pedidos como trabajos (PDF de resultados…)",
    add_arguments=lambda _parser: None,
    run=_worker,
)

run_cli("reports", get_settings().effective_database_url(), MIGRATIONS_DIR, seed, commands=[WORKER])
