from mejora_common.cli import run_cli

from .db import MIGRATIONS_DIR
from .seed import seed_demo
from .settings import get_settings

run_cli("observations", get_settings().effective_database_url(), MIGRATIONS_DIR, seed_demo)
