"""Alembic environment: runs against the engine handed over by engine.db.migrate()."""

from alembic import context

from engine.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` command line: use the configured URL
    from engine.db import make_engine

    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise SystemExit("alembic: set sqlalchemy.url, or run `jtflow init` instead")
    engine = make_engine(url)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
