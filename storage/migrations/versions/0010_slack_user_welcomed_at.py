"""slack_user.welcomed_at: the first-run welcome was shown (issue 17)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import storage.models


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('slack_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('welcomed_at', storage.models.UTCDateTime(timezone=True), nullable=True))
    # people who used dealbot before the upgrade are not new: no first-run welcome for them
    op.execute("UPDATE slack_user SET welcomed_at = fetched_at WHERE fetched_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('slack_user', schema=None) as batch_op:
        batch_op.drop_column('welcomed_at')
