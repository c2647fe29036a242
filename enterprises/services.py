"""Writes for enterprises, their projects and financing needs. Every door calls these."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import (
    INVITATION_DAYS,
    invitation_accept,
    invitation_create,
    invitation_deliver,
    notice_send,
    user_create,
)
from core import outbox
from core.audit import audit_record
from core.errors import ServiceError
from core.uscc import compact_uscc

from . import tasks
from .models import (
    NEED_TRANSITIONS,
    OPEN_NEED_STATUSES,
    RECOMMENDING_DEPARTMENTS,
    Adviser,
    Enterprise,
    EnterpriseInvitation,
    EnterpriseMembership,
    FinancingNeed,
    NeedAccessLog,
    NeedAccessRevocation,
    Project,
    Recommendation,
)
from .signals import need_access_revoked, need_changed, need_status_changed

EDITABLE_NEED_STATUSES = frozenset({FinancingNeed.Status.DRAFT, FinancingNeed.Status.SUBMITTED})


def _members(enterprise: Enterprise, *, exclude: User | None = None):
    users = User.objects.filter(enterprise_membership__enterprise=enterprise, is_active=True)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users


def _notify_members(enterprise, *, title, body="", url="", exclude=None):
    notice_send(users=list(_members(enterprise, exclude=exclude)), title=title, body=body, url=url)


def _matching_should_look_again(need: FinancingNeed) -> None:
    need_changed.send(sender=FinancingNeed, need_id=need.pk)


def _require_finance_office(actor: User) -> None:
    if actor is None or not actor.is_active or not actor.is_finance_office:
        raise ServiceError(_("Only the finance office verifies enterprises."))


# --- Registration, verification, members -------------------------------------------------------


@transaction.atomic
def enterprise_register(
    *,
    username: str,
    password: str,
    full_name: str,
    phone: str,
    email: str,
    enterprise_data: dict,
) -> tuple[User, Enterprise]:
    """Create the person's account, the enterprise (pending verification) and its admin membership."""
    code = compact_uscc(enterprise_data["credit_code"])
    user = user_create(
        username=username,
        password=password,
        full_name=full_name,
        phone=phone,
        email=email,
        role=User.Role.ENTERPRISE,
    )
    enterprise = Enterprise(**{**enterprise_data, "credit_code": code})
    enterprise.verification_status = Enterprise.VerificationStatus.PENDING
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        # Two people registering the same code at the same moment.
        raise ServiceError(
            _(
                "This enterprise is already registered. Please ask its administrator to "
                "invite you from the enterprise's member page."
            ),
            field="credit_code",
        ) from None
    EnterpriseMembership.objects.create(user=user, enterprise=enterprise, is_admin=True)
    notice_send(
        users=User.objects.filter(
            role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE, is_active=True
        ),
        title=_("New enterprise to verify: %(name)s") % {"name": enterprise.name},
        url=reverse("office:verification_detail", args=[enterprise.pk]),
    )
    return user, enterprise


@transaction.atomic
def enterprise_update_profile(*, enterprise: Enterprise, actor: User, data: dict) -> Enterprise:
    """Save profile changes; the size class is recomputed from the new figures on save."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    for field, value in data.items():
        setattr(locked, field, value)
    if locked.verification_status == Enterprise.VerificationStatus.REJECTED:
        # A corrected profile goes back into the verification queue.
        locked.verification_status = Enterprise.VerificationStatus.PENDING
        audit_record(
            obj=locked,
            action="status",
            actor=actor,
            from_state=Enterprise.VerificationStatus.REJECTED,
            to_state=locked.verification_status,
            note=_("The profile was corrected."),
        )
    locked.save()
    return locked


@transaction.atomic
def enterprise_verify(*, enterprise: Enterprise, actor: User) -> Enterprise:
    _require_finance_office(actor)
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if locked.verification_status == Enterprise.VerificationStatus.VERIFIED:
        return locked
    previous = locked.verification_status
    locked.verification_status = Enterprise.VerificationStatus.VERIFIED
    locked.verified_at = timezone.now()
    locked.rejection_reason = ""
    locked.save(update_fields=["verification_status", "verified_at", "rejection_reason"])
    audit_record(
        obj=locked,
        action="verified",
        actor=actor,
        from_state=previous,
        to_state=locked.verification_status,
    )
    _notify_members(
        locked,
        title=_("Your enterprise has been verified"),
        body=_("Your submitted financing needs can now reach matching institutions."),
        url=reverse("enterprises:home"),
    )
    # Needs submitted while pending can now be matched.
    for need in locked.needs.filter(status=FinancingNeed.Status.SUBMITTED):
        _matching_should_look_again(need)
    return locked


@transaction.atomic
def enterprise_reject(*, enterprise: Enterprise, actor: User, reason: str) -> Enterprise:
    _require_finance_office(actor)
    if not reason.strip():
        raise ServiceError(_("Give the enterprise a reason for the rejection."), field="reason")
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    previous = locked.verification_status
    locked.verification_status = Enterprise.VerificationStatus.REJECTED
    locked.verified_at = None
    locked.rejection_reason = reason.strip()
    locked.save(update_fields=["verification_status", "verified_at", "rejection_reason"])
    audit_record(
        obj=locked,
        action="rejected",
        actor=actor,
        from_state=previous,
        to_state=locked.verification_status,
        note=locked.rejection_reason,
    )
    _notify_members(
        locked,
        title=_("Your enterprise could not be verified"),
        body=_("Reason: %(reason)s. Correct your profile and it will be checked again.")
        % {"reason": locked.rejection_reason},
        url=reverse("enterprises:profile_edit"),
    )
    return locked


@transaction.atomic
def enterprise_invite_colleague(
    *, enterprise: Enterprise, actor: User, email: str
) -> EnterpriseInvitation:
    membership = getattr(actor, "enterprise_membership", None)
    if membership is None or membership.enterprise_id != enterprise.pk or not membership.is_admin:
        raise ServiceError(_("Only the enterprise's administrator can invite colleagues."))
    if _members(enterprise).filter(email__iexact=email).exists():
        raise ServiceError(_("This person is already a member."), field="email")
    invitation = invitation_create(
        model=EnterpriseInvitation, invited_by=actor, email=email, enterprise=enterprise
    )
    outbox.enqueue(tasks.send_invitation_email.name, invitation.pk)
    return invitation


def enterprise_invitation_email(*, invitation_id: int) -> bool:
    def compose(invitation):
        url = settings.PORTAL_BASE_URL + reverse(
            "enterprises:invitation_accept", args=[invitation.token]
        )
        subject = _("Invitation to join %(enterprise)s on the financing portal") % {
            "enterprise": invitation.enterprise.name
        }
        body = _(
            "%(inviter)s invites you to act for %(enterprise)s. "
            "Open this link within %(days)d days: %(url)s"
        ) % {
            "inviter": invitation.invited_by or "",
            "enterprise": invitation.enterprise.name,
            "days": INVITATION_DAYS,
            "url": url,
        }
        return subject, body

    return invitation_deliver(
        model=EnterpriseInvitation, invitation_id=invitation_id, compose=compose
    )


@transaction.atomic
def enterprise_invitation_accept(*, token: str, **account) -> User:
    user, invitation = invitation_accept(
        model=EnterpriseInvitation, token=token, role=User.Role.ENTERPRISE, **account
    )
    EnterpriseMembership.objects.create(user=user, enterprise=invitation.enterprise, is_admin=False)
    return user


@transaction.atomic
def enterprise_remove_member(*, enterprise: Enterprise, actor: User, member: User) -> None:
    membership = getattr(actor, "enterprise_membership", None)
    if membership is None or membership.enterprise_id != enterprise.pk or not membership.is_admin:
        raise ServiceError(_("Only the enterprise's administrator can remove colleagues."))
    if member.pk == actor.pk:
        raise ServiceError(_("You cannot remove yourself."))
    if not EnterpriseMembership.objects.filter(enterprise=enterprise, user=member).exists():
        # Otherwise the account of someone outside the enterprise would be switched off.
        raise ServiceError(_("This person is not a member of your enterprise."))
    EnterpriseMembership.objects.filter(enterprise=enterprise, user=member).delete()
    member.is_active = False
    member.save(update_fields=["is_active"])


# --- Projects ---------------------------------------------------------------------------------


def project_create(*, enterprise: Enterprise, actor: User, data: dict) -> Project:
    return Project.objects.create(enterprise=enterprise, **data)


def project_update(*, project: Project, actor: User, data: dict) -> Project:
    if project.archived_at is not None:
        raise ServiceError(_("An archived project cannot be edited."))
    for field, value in data.items():
        setattr(project, field, value)
    project.save()
    return project


def project_archive(*, project: Project, actor: User) -> Project:
    Project.objects.filter(pk=project.pk, archived_at=None).update(archived_at=timezone.now())
    project.refresh_from_db()
    return project


def project_set_key(*, project: Project, actor: User, is_key: bool) -> Project:
    """Only government staff decide which projects are district key projects."""
    if not actor.is_government:
        raise ServiceError(_("Only government staff can mark key projects."))
    previous = project.is_key_project
    project.is_key_project = is_key
    project.save(update_fields=["is_key_project", "updated_at"])
    audit_record(
        obj=project,
        action="changed",
        actor=actor,
        from_state="key" if previous else "",
        to_state="key" if is_key else "",
        note=_("District key project") if is_key else _("No longer a district key project"),
    )
    return project


# --- Financing needs --------------------------------------------------------------------------


def need_member_check(*, need: FinancingNeed, actor: User) -> None:
    """Only a member of the need's enterprise acts for it."""
    membership = getattr(actor, "enterprise_membership", None)
    if membership is None or membership.enterprise_id != need.enterprise_id:
        raise ServiceError(_("This need belongs to another enterprise."))


@transaction.atomic
def financing_need_transition(
    *, need: FinancingNeed, to_status: str, actor=None, message: str = "", notify: bool = True
) -> FinancingNeed:
    """Move a need along its checked status map, write the timeline entry and tell the members.

    The row is locked first, so two concurrent moves cannot both start from the same status.
    Raises ``IllegalTransition`` for a move the map does not allow.
    """
    locked = FinancingNeed.objects.select_for_update().get(pk=need.pk)
    NEED_TRANSITIONS.check(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status == FinancingNeed.Status.SUBMITTED and locked.submitted_at is None:
        locked.submitted_at = timezone.now()
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    audit_record(
        obj=locked,
        action="status",
        actor=actor,
        from_state=from_status,
        to_state=to_status,
        note=message,
    )
    need_status_changed.send(
        sender=FinancingNeed, need=locked, from_status=from_status, to_status=to_status, actor=actor
    )
    if (from_status in OPEN_NEED_STATUSES) != (to_status in OPEN_NEED_STATUSES):
        _matching_should_look_again(locked)
    if notify:
        _notify_members(
            locked.enterprise,
            title=_("Financing need “%(purpose)s”: %(status)s")
            % {"purpose": locked.purpose, "status": locked.get_status_display()},
            body=message,
            url=locked.get_absolute_url(),
            exclude=actor,
        )
    need.status, need.submitted_at = locked.status, locked.submitted_at
    return locked


def _save_need_fields(need: FinancingNeed, data: dict) -> None:
    allowed = data.pop("allowed_institutions", None)
    for field, value in data.items():
        setattr(need, field, value)
    need.full_clean(exclude=["enterprise", "created_by"])
    need.save()
    if allowed is not None:
        need.allowed_institutions.set(allowed)


@transaction.atomic
def financing_need_create(
    *, enterprise: Enterprise, actor: User, data: dict, submit: bool = False
) -> FinancingNeed:
    membership = getattr(actor, "enterprise_membership", None)
    if membership is None or membership.enterprise_id != enterprise.pk:
        raise ServiceError(_("Only a member of the enterprise can add its needs."))
    data = dict(data)
    need = FinancingNeed(enterprise=enterprise, created_by=actor, status=FinancingNeed.Status.DRAFT)
    _save_need_fields(need, data)
    audit_record(obj=need, action="created", actor=actor, to_state=need.status)
    if submit:
        financing_need_submit(need=need, actor=actor)
    return need


@transaction.atomic
def financing_need_update(
    *, need: FinancingNeed, actor: User, data: dict, submit: bool = False
) -> FinancingNeed:
    need_member_check(need=need, actor=actor)
    locked = FinancingNeed.objects.select_for_update().get(pk=need.pk)
    if locked.status not in EDITABLE_NEED_STATUSES:
        raise ServiceError(
            _("A need in status “%(status)s” can no longer be edited.")
            % {"status": locked.get_status_display()}
        )
    _save_need_fields(locked, dict(data))
    if locked.status == FinancingNeed.Status.SUBMITTED:
        audit_record(
            obj=locked,
            action="changed",
            actor=actor,
            note=_("The need was edited after submission."),
        )
        _matching_should_look_again(locked)
    elif submit:
        financing_need_submit(need=locked, actor=actor)
    return locked


def financing_need_submit(*, need: FinancingNeed, actor: User) -> FinancingNeed:
    need_member_check(need=need, actor=actor)
    enterprise = need.enterprise
    message = ""
    if not enterprise.is_verified:
        message = _(
            "It will reach institutions once the finance office has verified the enterprise."
        )
    return financing_need_transition(
        need=need, to_status=FinancingNeed.Status.SUBMITTED, actor=actor, message=message
    )


@transaction.atomic
def financing_need_withdraw(*, need: FinancingNeed, actor: User, reason: str = "") -> FinancingNeed:
    """The enterprise takes the need back; the leads on it are closed (by the leads app)."""
    need_member_check(need=need, actor=actor)
    return financing_need_transition(
        need=need, to_status=FinancingNeed.Status.WITHDRAWN, actor=actor, message=reason
    )


@transaction.atomic
def financing_need_revoke_access(
    *, need: FinancingNeed, institution, actor: User
) -> NeedAccessRevocation:
    """The enterprise takes one institution's access to this need away (its lead is closed)."""
    need_member_check(need=need, actor=actor)
    need = FinancingNeed.objects.select_for_update().get(pk=need.pk)
    revocation, created = NeedAccessRevocation.objects.get_or_create(
        need=need, institution=institution, defaults={"revoked_by": actor}
    )
    need.allowed_institutions.remove(institution)
    if created:
        audit_record(
            obj=need,
            action="access_revoked",
            actor=actor,
            note=_("Access withdrawn from %(institution)s.") % {"institution": institution},
        )
        need_access_revoked.send(
            sender=FinancingNeed, need=need, institution=institution, actor=actor
        )
    # The institution's products no longer match this need.
    _matching_should_look_again(need)
    return revocation


def need_access_record(*, need: FinancingNeed, institution, user: User) -> NeedAccessLog:
    """Record an officer's read of a need's enterprise data, for the enterprise's consent view."""
    return NeedAccessLog.objects.create(need=need, institution=institution, user=user)


# --- Recommended lists (推荐清单) and financial advisers ---------------------------------------


def _rescore_enterprise_needs(enterprise: Enterprise) -> None:
    """A recommendation changes the score of the enterprise's open needs: rescore each."""
    for need in enterprise.needs.filter(status__in=OPEN_NEED_STATUSES).only("pk"):
        _matching_should_look_again(need)


@transaction.atomic
def recommendation_create(
    *, actor: User, enterprise: Enterprise, reason: str, project: Project | None = None
) -> Recommendation:
    """A bureau (发改局, 工信局, 商务局) puts an enterprise, or one of its projects, on its
    recommended list; the enterprise's open needs are rescored with the bonus."""
    if actor is None or not actor.is_government or actor.department not in RECOMMENDING_DEPARTMENTS:
        raise ServiceError(
            _(
                "Only the development and reform, industry and commerce bureaus recommend enterprises."
            )
        )
    if not enterprise.is_verified:
        raise ServiceError(_("Only verified enterprises can be recommended."), field="enterprise")
    if project is not None and project.enterprise_id != enterprise.pk:
        raise ServiceError(_("The project belongs to another enterprise."), field="project")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the bureau recommends it."), field="reason")
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    duplicate = Recommendation.objects.filter(
        enterprise=enterprise, project=project, department=actor.department, withdrawn_at=None
    )
    if duplicate.exists():
        raise ServiceError(_("Your bureau already recommends it."))
    recommendation = Recommendation.objects.create(
        enterprise=enterprise,
        project=project,
        department=actor.department,
        reason=reason,
        recommended_by=actor,
    )
    audit_record(obj=recommendation, action="created", actor=actor, to_state="active", note=reason)
    _rescore_enterprise_needs(enterprise)
    return recommendation


@transaction.atomic
def recommendation_withdraw(*, recommendation: Recommendation, actor: User) -> Recommendation:
    """The recommending bureau takes its recommendation back; the needs lose the bonus."""
    if actor is None or not actor.is_government or actor.department != recommendation.department:
        raise ServiceError(_("Only the bureau that made a recommendation can withdraw it."))
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.withdrawn_at is not None:
        raise ServiceError(_("This recommendation was already withdrawn."))
    recommendation.withdrawn_at = timezone.now()
    recommendation.save(update_fields=["withdrawn_at"])
    audit_record(
        obj=recommendation,
        action="status",
        actor=actor,
        from_state="active",
        to_state="withdrawn",
    )
    _rescore_enterprise_needs(recommendation.enterprise)
    return recommendation


def _may_advise(user: User) -> bool:
    if not user.is_active:
        return False
    if user.is_government:
        return True
    officer = getattr(user, "officer", None) if user.is_officer else None
    return officer is not None and officer.is_active


@transaction.atomic
def adviser_assign(*, actor: User, enterprise: Enterprise, user: User, since) -> Adviser:
    """The finance office pairs a government staff member or an institution officer with an
    enterprise as its financial adviser (金融顾问)."""
    if actor is None or not actor.is_finance_office:
        raise ServiceError(_("Only the finance office assigns financial advisers."))
    if not _may_advise(user):
        raise ServiceError(
            _("An adviser must be government staff or an active institution officer."), field="user"
        )
    if since > timezone.localdate():
        # The adviser sees the enterprise's needs from the day of pairing: no pairings dated
        # ahead (a mistyped year once made one start in 2099).
        raise ServiceError(_("A pairing starts today or earlier."), field="since")
    if Adviser.objects.filter(enterprise=enterprise, user=user, until__isnull=True).exists():
        raise ServiceError(_("This person already advises the enterprise."), field="user")
    adviser = Adviser.objects.create(
        enterprise=enterprise, user=user, since=since, assigned_by=actor
    )
    audit_record(obj=adviser, action="created", actor=actor, to_state="active", note=str(user))
    _notify_members(
        enterprise,
        title=_("Your financial adviser: %(name)s") % {"name": user},
        body=_("%(name)s (phone %(phone)s) is now your enterprise's financial adviser.")
        % {"name": user, "phone": user.phone or "—"},
        url=reverse("enterprises:home"),
    )
    return adviser


@transaction.atomic
def adviser_end(*, adviser: Adviser, actor: User) -> Adviser:
    """The finance office ends a pairing; the adviser no longer sees the enterprise."""
    if actor is None or not actor.is_finance_office:
        raise ServiceError(_("Only the finance office assigns financial advisers."))
    adviser = Adviser.objects.select_for_update().get(pk=adviser.pk)
    if adviser.until is not None and adviser.until <= timezone.localdate():
        raise ServiceError(_("This pairing has already ended."))
    adviser.until = timezone.localdate()
    adviser.save(update_fields=["until"])
    audit_record(obj=adviser, action="status", actor=actor, from_state="active", to_state="ended")
    return adviser
