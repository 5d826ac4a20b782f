from mejora_common.migrations_env import run_migrations
from reports_service.models import metadata
from reports_service.settings import get_settings

run_migrations(metadata, get_settings().effective_database_url())
