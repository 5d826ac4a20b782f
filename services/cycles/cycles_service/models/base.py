"""The base of this service's tables, with a metadata of its own.

SQLModel's default metadata is process-wide; the services' models are often
imported together (tests, OpenAPI export), so each service keeps its own.
"""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class Base(SQLModel, registry=registry()):
    pass
