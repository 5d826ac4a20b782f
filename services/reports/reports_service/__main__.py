from mejora_common.cli import run_cli

from .db import MIGRATIONS_DIR
from .seed import seed
from .settings import get_settings

run_cli("reports", get_settings().effective_database_url(), MIGRATIONS_DIR, seed)
