from mejora_common.migrations_env import run_migrations
from observations_service.models import metadata
from observations_service.settings import get_settings

run_migrations(metadata, get_settings().effective_database_url())
