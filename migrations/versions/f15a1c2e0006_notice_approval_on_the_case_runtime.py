"""prevention notices' approval runs on the case runtime: each notice's engine state becomes its
process instance (subject kind prevention_notice), its waiting approval a pending task, its
writing and review case events; the notice's own state columns go

Revision ID: f15a1c2e0006
Revises: d19b7e5a0002
Create Date: 2026-12-04 03:10:00.000000
"""

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
import xml.etree.ElementTree as ET  # noqa: S405 - our own published diagrams

import sqlalchemy as sa
from alembic import op

revision = "f15a1c2e0006"
down_revision = "d19b7e5a0002"
branch_labels = None
depends_on = None

KIND = "prevention_notice"
APPROVAL_TASK = "approve_notice"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"

notices = sa.table(
    "prevention_notices",
    sa.column("id", sa.Integer),
    sa.column("district_id", sa.Integer),
    sa.column("author_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("process_version_id", sa.Integer),
    sa.column("state", sa.Text),
    sa.column("task_id", sa.String),
    sa.column("reviewer_id", sa.Integer),
    sa.column("reviewed_at", sa.DateTime(timezone=True)),
    sa.column("review_comment", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
notice_mahallas = sa.table("notice_mahallas", sa.column("notice_id", sa.Integer), sa.column("mahalla_id", sa.Integer))
deliveries = sa.table(
    "notice_deliveries",
    sa.column("message_id", sa.Integer),
    sa.column("notice_id", sa.Integer),
    sa.column("subscriber_id", sa.Integer),
)
# Rows that reference the notices with ON DELETE CASCADE: SQLite's batch mode copies the notice
# table and drops the old one, which (foreign keys on, inside the migration's transaction) deletes them.
CASCADED = (notice_mahallas, deliveries)
versions = sa.table("process_versions", sa.column("id", sa.Integer), sa.column("files", sa.JSON))
instances = sa.table(
    "process_instances",
    sa.column("id", sa.Integer),
    sa.column("subject_kind", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("appeal_id", sa.Integer),
    sa.column("process_version_id", sa.Integer),
    sa.column("state", sa.Text),
    sa.column("version", sa.Integer),
    sa.column("is_completed", sa.Boolean),
    sa.column("status", sa.String),
    sa.column("status_reason", sa.Text),
    sa.column("incident_error", sa.Text),
    sa.column("last_progress_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
tasks = sa.table(
    "pending_tasks",
    sa.column("id", sa.String),
    sa.column("instance_id", sa.Integer),
    sa.column("subject_kind", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("appeal_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("title", sa.String),
    sa.column("role", sa.String),
    sa.column("mahalla_id", sa.Integer),
    sa.column("district_id", sa.Integer),
    sa.column("due_date", sa.Date),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("is_overdue", sa.Boolean),
    sa.column("needs_reassignment", sa.Boolean),
)
events = sa.table(
    "case_events",
    sa.column("subject_kind", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("appeal_id", sa.Integer),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("task_id", sa.String),
    sa.column("task_name", sa.String),
    sa.column("task_title", sa.String),
    sa.column("data", sa.JSON),
)


def _approval_task(files: object) -> tuple[str, int]:
    """The approval task's name and its norm in days, read from the version's diagram."""
    documents = json.loads(files) if isinstance(files, str) else dict(files or {})  # type: ignore[call-overload]
    for text in documents.values():
        if not str(text).lstrip().startswith("<"):
            continue
        root = ET.fromstring(str(text))  # noqa: S314 - our own published diagrams
        for task in root.iter(f"{BPMN}userTask"):
            if task.get("id") != APPROVAL_TASK:
                continue
            norm = next(
                (p.get("value", "") for p in task.iter(f"{CAMUNDA}property") if p.get("name") == "norm"), ""
            )
            days = re.fullmatch(r"P(\d+)D", norm or "")
            return task.get("name") or APPROVAL_TASK, int(days.group(1)) if days else 1
    return APPROVAL_TASK, 1


@contextmanager
def _keeping_cascaded_rows(connection: sa.Connection) -> Iterator[None]:
    """Put back the rows a copy of prevention_notices (SQLite's batch mode) deleted in cascade."""
    kept = {table.name: [dict(r) for r in connection.execute(sa.select(table)).mappings()] for table in CASCADED}
    yield
    for table in CASCADED:
        rows = kept[table.name]
        if rows and connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() != len(rows):
            connection.execute(sa.delete(table))
            connection.execute(sa.insert(table), rows)


def upgrade():
    connection = op.get_bind()
    first_mahalla = dict(
        connection.execute(
            sa.select(notice_mahallas.c.notice_id, sa.func.min(notice_mahallas.c.mahalla_id)).group_by(
                notice_mahallas.c.notice_id
            )
        ).all()
    )
    approval_tasks = {}
    for row in connection.execute(sa.select(notices).order_by(notices.c.id)).mappings().all():
        waiting = row["status"] == "awaiting_approval" and row["task_id"] is not None
        progressed = row["reviewed_at"] or row["created_at"]
        connection.execute(
            sa.insert(instances)
            .values(
                subject_kind=KIND,
                subject_id=row["id"],
                appeal_id=None,
                process_version_id=row["process_version_id"],
                state=row["state"],
                version=1,
                is_completed=not waiting,
                status="running",
                status_reason="",
                incident_error="",
                last_progress_at=progressed,
                created_at=row["created_at"],
                updated_at=progressed,
            )
        )
        instance_id = connection.execute(
            sa.select(instances.c.id).where(instances.c.subject_kind == KIND, instances.c.subject_id == row["id"])
        ).scalar_one()
        version_id = row["process_version_id"]
        if version_id not in approval_tasks:
            files = connection.execute(sa.select(versions.c.files).where(versions.c.id == version_id)).scalar()
            approval_tasks[version_id] = _approval_task(files)
        title, norm_days = approval_tasks[version_id]
        subject = {"subject_kind": KIND, "subject_id": row["id"], "appeal_id": None}
        connection.execute(
            sa.insert(events).values(
                **subject,
                occurred_at=row["created_at"],
                actor_id=row["author_id"],
                kind="approval_started",
                data={},
            )
        )
        if waiting and row["id"] in first_mahalla:
            created = row["created_at"]
            connection.execute(
                sa.insert(tasks).values(
                    id=row["task_id"],
                    instance_id=instance_id,
                    **subject,
                    name=APPROVAL_TASK,
                    title=title,
                    role="supervisor",
                    mahalla_id=first_mahalla[row["id"]],
                    district_id=row["district_id"],
                    due_date=created.date() + dt.timedelta(days=norm_days),
                    created_at=created,
                    is_overdue=False,
                    needs_reassignment=False,
                )
            )
        elif row["reviewed_at"] is not None:
            decision = {"notice_approved": row["status"] == "approved", "supervisor_comment": row["review_comment"]}
            connection.execute(
                sa.insert(events).values(
                    **subject,
                    occurred_at=row["reviewed_at"],
                    actor_id=row["reviewer_id"],
                    kind="task_completed",
                    task_name=APPROVAL_TASK,
                    task_title=title,
                    data=decision,
                )
            )

    with _keeping_cascaded_rows(connection), op.batch_alter_table("prevention_notices", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_prevention_notices_process_version_id_process_versions"), type_="foreignkey"
        )
        batch_op.drop_column("process_version_id")
        batch_op.drop_column("state")
        batch_op.drop_column("task_id")


def downgrade():
    with op.batch_alter_table("prevention_notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("process_version_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("state", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("task_id", sa.String(length=36), nullable=True))
    mine = f"subject_kind = '{KIND}'"
    op.execute(
        "UPDATE prevention_notices SET "  # noqa: S608 - constants only
        f"state = COALESCE((SELECT i.state FROM process_instances i WHERE i.{mine} "
        "AND i.subject_id = prevention_notices.id), ''), "
        "process_version_id = (SELECT i.process_version_id FROM process_instances i "
        f"WHERE i.{mine} AND i.subject_id = prevention_notices.id), "
        f"task_id = (SELECT MIN(t.id) FROM pending_tasks t WHERE t.{mine} AND t.subject_id = prevention_notices.id)"
    )
    op.execute(f"DELETE FROM pending_tasks WHERE {mine}")  # noqa: S608
    op.execute(f"DELETE FROM case_events WHERE {mine}")  # noqa: S608
    op.execute(f"DELETE FROM process_instances WHERE {mine}")  # noqa: S608
    with (
        _keeping_cascaded_rows(op.get_bind()),
        op.batch_alter_table("prevention_notices", schema=None) as batch_op,
    ):
        batch_op.alter_column("process_version_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_prevention_notices_process_version_id_process_versions"),
            "process_versions",
            ["process_version_id"],
            ["id"],
        )
