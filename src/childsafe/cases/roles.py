"""Console roles and what each may do. Every console route names the permission it needs.

Admins and auditors see figures and the audit trail but not case content: nobody is exposed to
a conversation unless their job is to decide on it.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MODERATOR = "moderator"
    SPECIALIST = "specialist"  # child-safety specialist
    ADMIN = "admin"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return ROLE_TITLES[self]


ROLE_TITLES = {
    Role.MODERATOR: "Moderator",
    Role.SPECIALIST: "Child-safety specialist",
    Role.ADMIN: "Administrator",
    Role.AUDITOR: "Auditor",
}


class Permission(StrEnum):
    VIEW_QUEUE = "queue.view"
    VIEW_CASE = "case.view"
    ACT = "case.act"
    REFER = "case.refer"
    APPROVE_REFERRAL = "referral.approve"
    EXPORT_REFERRAL = "referral.export"
    VIEW_AUDIT = "audit.view"
    VIEW_TRANSPARENCY = "transparency.view"
    MANAGE_USERS = "users.manage"
    MANAGE_WEBHOOKS = "webhooks.manage"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.MODERATOR: frozenset({Permission.VIEW_QUEUE, Permission.VIEW_CASE, Permission.ACT}),
    Role.SPECIALIST: frozenset(
        {
            Permission.VIEW_QUEUE,
            Permission.VIEW_CASE,
            Permission.ACT,
            Permission.REFER,
            Permission.APPROVE_REFERRAL,
            Permission.EXPORT_REFERRAL,
            Permission.VIEW_TRANSPARENCY,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_WEBHOOKS,
            Permission.VIEW_TRANSPARENCY,
            Permission.VIEW_AUDIT,
        }
    ),
    Role.AUDITOR: frozenset({Permission.VIEW_AUDIT, Permission.VIEW_TRANSPARENCY}),
}


def allowed(role: str, permission: Permission) -> bool:
    try:
        return permission in GRANTS[Role(role)]
    except ValueError:
        return False
