"""one case runtime for every subject: instances, pending tasks and case events keyed by subject;
prevention plans move onto them (their state, tasks and history)

Revision ID: d15a7c0e1b01
Revises: e16a0b1c2d3e
Create Date: 2026-12-03 16:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "d15a7c0e1b01"
down_revision = "e16a0b1c2d3e"
branch_labels = None
depends_on = None

SUBJECT_TABLES = ("process_instances", "pending_tasks", "case_events")


def _add_subject(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_kind", sa.String(length=30), server_default="appeal", nullable=False))
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE {table} SET subject_id = appeal_id")  # noqa: S608 - a constant table name
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column("subject_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("appeal_id", existing_type=sa.Integer(), nullable=True)


def upgrade():
    for table in SUBJECT_TABLES:
        _add_subject(table)
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_process_instances_subject", ["subject_kind", "subject_id"])
    with op.batch_alter_table("pending_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_pending_tasks_subject", ["subject_kind", "subject_id"], unique=False)
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_events_subject_occurred", ["subject_kind", "subject_id", "occurred_at"], unique=False
        )

    # Every plan's live state becomes its process instance; its tasks and its history follow.
    op.execute(
        "INSERT INTO process_instances (subject_kind, subject_id, appeal_id, process_version_id, state, version, "
        "is_completed, status, status_reason, incident_error, last_progress_at, created_at, updated_at) "
        "SELECT 'prevention_plan', id, NULL, process_version_id, state, version, (status = 'completed'), "
        "CASE WHEN status = 'cancelled' THEN 'cancelled' ELSE 'running' END, '', '', updated_at, created_at, "
        "updated_at FROM prevention_plans ORDER BY id"
    )
    op.execute(
        "INSERT INTO pending_tasks (id, instance_id, subject_kind, subject_id, appeal_id, name, title, role, "
        "mahalla_id, district_id, assignee_id, due_date, created_at, is_overdue, needs_reassignment) "
        "SELECT t.id, i.id, 'prevention_plan', t.plan_id, NULL, t.name, t.title, t.role, t.mahalla_id, "
        "t.district_id, t.assignee_id, t.due_date, t.created_at, (1 = 0), (1 = 0) "
        "FROM prevention_plan_tasks t JOIN process_instances i "
        "ON i.subject_kind = 'prevention_plan' AND i.subject_id = t.plan_id"
    )
    op.execute(
        "INSERT INTO case_events (subject_kind, subject_id, appeal_id, occurred_at, actor_id, kind, task_name, "
        "data) SELECT CASE WHEN plan_id IS NULL THEN 'supervised_person' ELSE 'prevention_plan' END, "
        "COALESCE(plan_id, person_id), NULL, occurred_at, actor_id, kind, task_name, data "
        "FROM prevention_events ORDER BY occurred_at, id"
    )

    with op.batch_alter_table("prevention_plan_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_prevention_plan_tasks_role_district_due")
        batch_op.drop_index(batch_op.f("ix_prevention_plan_tasks_plan_id"))
        batch_op.drop_index("ix_prevention_plan_tasks_assignee_due")
    op.drop_table("prevention_plan_tasks")
    with op.batch_alter_table("prevention_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prevention_events_plan_id"))
        batch_op.drop_index("ix_prevention_events_person_occurred")
    op.drop_table("prevention_events")
    with op.batch_alter_table("prevention_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prevention_plans_process_version_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_prevention_plans_process_version_id_process_versions"), type_="foreignkey"
        )
        batch_op.drop_column("process_version_id")
        batch_op.drop_column("state")
        batch_op.drop_column("version")


def downgrade():
    with op.batch_alter_table("prevention_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("state", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("process_version_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE prevention_plans SET "
        "state = (SELECT i.state FROM process_instances i WHERE i.subject_kind = 'prevention_plan' "
        "AND i.subject_id = prevention_plans.id), "
        "version = (SELECT i.version FROM process_instances i WHERE i.subject_kind = 'prevention_plan' "
        "AND i.subject_id = prevention_plans.id), "
        "process_version_id = (SELECT i.process_version_id FROM process_instances i "
        "WHERE i.subject_kind = 'prevention_plan' AND i.subject_id = prevention_plans.id)"
    )
    with op.batch_alter_table("prevention_plans", schema=None) as batch_op:
        batch_op.alter_column("process_version_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_prevention_plans_process_version_id_process_versions"),
            "process_versions",
            ["process_version_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_prevention_plans_process_version_id"), ["process_version_id"], unique=False
        )

    op.create_table(
        "prevention_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("task_name", sa.String(length=100), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_prevention_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["supervised_persons.id"], name=op.f("fk_prevention_events_person_id_supervised_persons")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["prevention_plans.id"], name=op.f("fk_prevention_events_plan_id_prevention_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_events")),
    )
    with op.batch_alter_table("prevention_events", schema=None) as batch_op:
        batch_op.create_index("ix_prevention_events_person_occurred", ["person_id", "occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_prevention_events_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "prevention_plan_tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("mahalla_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_prevention_plan_tasks_assignee_id_users")),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_prevention_plan_tasks_district_id_districts")
        ),
        sa.ForeignKeyConstraint(
            ["mahalla_id"], ["mahallas.id"], name=op.f("fk_prevention_plan_tasks_mahalla_id_mahallas")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["supervised_persons.id"], name=op.f("fk_prevention_plan_tasks_person_id_supervised_persons")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["prevention_plans.id"],
            name=op.f("fk_prevention_plan_tasks_plan_id_prevention_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_plan_tasks")),
    )
    with op.batch_alter_table("prevention_plan_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_prevention_plan_tasks_assignee_due", ["assignee_id", "due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_prevention_plan_tasks_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            "ix_prevention_plan_tasks_role_district_due", ["role", "district_id", "due_date"], unique=False
        )
    op.execute(
        "INSERT INTO prevention_plan_tasks (id, plan_id, person_id, name, title, role, mahalla_id, district_id, "
        "assignee_id, due_date, created_at) SELECT t.id, t.subject_id, p.person_id, t.name, t.title, t.role, "
        "t.mahalla_id, t.district_id, t.assignee_id, t.due_date, t.created_at FROM pending_tasks t "
        "JOIN prevention_plans p ON p.id = t.subject_id WHERE t.subject_kind = 'prevention_plan'"
    )
    op.execute(
        "INSERT INTO prevention_events (person_id, plan_id, occurred_at, actor_id, kind, task_name, data) "
        "SELECT e.subject_id, NULL, e.occurred_at, e.actor_id, e.kind, e.task_name, e.data FROM case_events e "
        "WHERE e.subject_kind = 'supervised_person'"
    )
    op.execute(
        "INSERT INTO prevention_events (person_id, plan_id, occurred_at, actor_id, kind, task_name, data) "
        "SELECT p.person_id, p.id, e.occurred_at, e.actor_id, e.kind, e.task_name, e.data FROM case_events e "
        "JOIN prevention_plans p ON p.id = e.subject_id WHERE e.subject_kind = 'prevention_plan' "
        "AND e.kind <> 'task_completed'"
    )
    for table in reversed(SUBJECT_TABLES):
        op.execute(f"DELETE FROM {table} WHERE subject_kind <> 'appeal'")  # noqa: S608 - a constant table name

    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index("ix_case_events_subject_occurred")
    with op.batch_alter_table("pending_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_pending_tasks_subject")
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_constraint("uq_process_instances_subject", type_="unique")
    for table in SUBJECT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("appeal_id", existing_type=sa.Integer(), nullable=False)
            batch_op.drop_column("subject_id")
            batch_op.drop_column("subject_kind")
