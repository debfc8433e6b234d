"""What-if runs: a run's kind (solve or whatif), and each solved variant's row.

Runs made before this revision are solves. The column is added in place
(SQLite's ADD COLUMN), so the runs table is not rebuilt.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "runs", sa.Column("kind", sa.String(length=12), server_default="solve", nullable=False)
    )
    op.create_table(
        "variant_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("variant", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_variant_results_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variant_results")),
        sa.UniqueConstraint("run_id", "position", name="uq_variant_results_run"),
    )
    with op.batch_alter_table("variant_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_variant_results_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    """Undo this revision (what-if runs and their results go with it)."""
    with op.batch_alter_table("variant_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_variant_results_run_id"))
    op.drop_table("variant_results")
    op.execute("DELETE FROM runs WHERE kind <> 'solve'")
    # in place (SQLite 3.35+): rebuilding runs would break the rosters' links to it
    op.drop_column("runs", "kind")
