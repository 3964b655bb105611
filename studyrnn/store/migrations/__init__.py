"""Alembic migrations of the progress schema; ``studyrnn.store.engine`` runs them on open."""
