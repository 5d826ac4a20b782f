from mejora_common.cli import run_cli

from .db import MIGRATIONS_DIR
from .seed import seed_demo
from .service.bootstrap import BOOTSTRAP_COMMAND
from .settings import get_settings

run_cli("cycles", get_settings().effective_database_url(), MIGRATIONS_DIR, seed_demo, commands=[BOOTSTRAP_COMMAND])
