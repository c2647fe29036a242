"""Writes for institutions, their officers and their loan products. Every door calls these."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
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
)
from core import outbox
from core.audit import audit_record
from core.errors import ServiceError

from . import tasks
from .models import PRODUCT_TRANSITIONS, Institution, LoanProduct, Officer, OfficerInvitation
from .signals import officer_removed, product_changed


def _require_admin(officer: Officer, institution: Institution) -> None:
    if (
        officer is None
        or not officer.is_active
        or officer.institution_id != institution.pk
        or not officer.is_admin
    ):
        raise ServiceError(_("Only the institution's administrator can manage officers."))


def _check_product_officer(product: LoanProduct, officer: Officer) -> None:
    if officer is None or not officer.is_active or officer.institution_id != product.institution_id:
        raise ServiceError(_("This product belongs to another institution."))


def _matching_should_look_again(product: LoanProduct) -> None:
    product_changed.send(sender=LoanProduct, product_id=product.pk)


# --- Officers ----------------------------------------------------------------------------------


@transaction.atomic
def officer_invite(
    *, institution: Institution, actor: Officer, email: str, role: str
) -> OfficerInvitation:
    _require_admin(actor, institution)
    if Officer.objects.filter(
        institution=institution, user__email__iexact=email, is_active=True
    ).exists():
        raise ServiceError(_("This person is already an officer here."), field="email")
    invitation = invitation_create(
        model=OfficerInvitation,
        invited_by=actor.user,
        email=email,
        institution=institution,
        role=role,
    )
    outbox.enqueue(tasks.send_officer_invitation.name, invitation.pk)
    return invitation


def officer_invitation_email(*, invitation_id: int) -> bool:
    def compose(invitation):
        url = settings.PORTAL_BASE_URL + reverse("banks:invitation_accept", args=[invitation.token])
        subject = _("Invitation to work for %(institution)s on the financing portal") % {
            "institution": invitation.institution.name
        }
        body = _(
            "%(inviter)s invites you to work leads for %(institution)s. "
            "Open this link within %(days)d days: %(url)s"
        ) % {
            "inviter": invitation.invited_by or "",
            "institution": invitation.institution.name,
            "days": INVITATION_DAYS,
            "url": url,
        }
        return subject, body

    return invitation_deliver(model=OfficerInvitation, invitation_id=invitation_id, compose=compose)


@transaction.atomic
def officer_invitation_accept(*, token: str, **account) -> User:
    user, invitation = invitation_accept(
        model=OfficerInvitation, token=token, role=User.Role.OFFICER, **account
    )
    Officer.objects.create(user=user, institution=invitation.institution, role=invitation.role)
    return user


@transaction.atomic
def officer_set_role(*, actor: Officer, officer: Officer, role: str) -> Officer:
    _require_admin(actor, officer.institution)
    if role not in Officer.Role.values:
        raise ServiceError(_("Choose a role from the list."), field="role")
    if officer.pk == actor.pk and role != Officer.Role.ADMIN:
        raise ServiceError(_("You cannot remove your own administrator role."))
    previous = officer.role
    officer.role = role
    officer.save(update_fields=["role"])
    audit_record(
        obj=officer, action="changed", actor=actor.user, from_state=previous, to_state=role
    )
    return officer


@transaction.atomic
def officer_remove(*, actor: Officer, officer: Officer) -> Officer:
    """Deactivate an officer; their open leads go back to the institution (unassigned)."""
    _require_admin(actor, officer.institution)
    if officer.pk == actor.pk:
        raise ServiceError(_("You cannot remove yourself."))
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    officer.user.is_active = False
    officer.user.save(update_fields=["is_active"])
    audit_record(
        obj=officer, action="status", actor=actor.user, from_state="active", to_state="removed"
    )
    officer_removed.send(sender=Officer, officer=officer)
    return officer


# --- Loan products -----------------------------------------------------------------------------


def _product_move(product: LoanProduct, to_status: str) -> str:
    """Check the move against the review map; returns the status it leaves."""
    PRODUCT_TRANSITIONS.check(product.status, to_status)
    from_status, product.status = product.status, to_status
    return from_status


def _product_audit(product: LoanProduct, *, actor: User, from_status: str, note: str = "") -> None:
    audit_record(
        obj=product,
        action="reviewed" if from_status == LoanProduct.Status.SUBMITTED else "status",
        actor=actor,
        from_state=from_status,
        to_state=product.status,
        note=note,
    )


@transaction.atomic
def loan_product_save(
    *, officer: Officer, data: dict, product: LoanProduct | None = None, submit: bool = False
) -> LoanProduct:
    """Create or edit a product of the officer's institution. Editing a published product sends
    it back for review (and out of matching until it is published again)."""
    if officer is None or not officer.is_active:
        raise ServiceError(_("Only an active officer of an institution can save its products."))
    chains = data.pop("eligible_chains", None)
    if product is None:
        product = LoanProduct(institution=officer.institution)
    else:
        product = LoanProduct.objects.select_for_update().get(pk=product.pk)
        _check_product_officer(product, officer)
        if product.status == LoanProduct.Status.RETIRED:
            raise ServiceError(_("A retired product cannot be edited."))
    is_new = product.pk is None
    was_published = product.status == LoanProduct.Status.PUBLISHED
    for field, value in data.items():
        setattr(product, field, value)
    from_status = None
    if was_published or (
        submit and product.status in (LoanProduct.Status.DRAFT, LoanProduct.Status.RETURNED)
    ):
        from_status = _product_move(product, LoanProduct.Status.SUBMITTED)
    duplicate = LoanProduct.objects.filter(institution_id=product.institution_id, name=product.name)
    if duplicate.exclude(pk=product.pk).exists():
        raise ServiceError(
            _("Your institution already has a product with this name."), field="name"
        )
    product.full_clean()
    product.save()
    if is_new:
        audit_record(
            obj=product, action="created", actor=officer.user, to_state=LoanProduct.Status.DRAFT
        )
    if from_status is not None:
        _product_audit(product, actor=officer.user, from_status=from_status)
    if chains is not None:
        product.eligible_chains.set(chains)
    if was_published:
        _matching_should_look_again(product)
    if product.status == LoanProduct.Status.SUBMITTED:
        _notify_reviewers(product)
    return product


def _notify_reviewers(product: LoanProduct) -> None:
    notice_send(
        users=User.objects.filter(
            role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE, is_active=True
        ),
        title=_("Loan product to review: %(name)s (%(institution)s)")
        % {"name": product.name, "institution": product.institution},
        url=reverse("office:product_review", args=[product.pk]),
    )


@transaction.atomic
def loan_product_submit(*, product: LoanProduct, officer: Officer) -> LoanProduct:
    product = LoanProduct.objects.select_for_update().get(pk=product.pk)
    _check_product_officer(product, officer)
    from_status = _product_move(product, LoanProduct.Status.SUBMITTED)
    product.save(update_fields=["status", "updated_at"])
    _product_audit(product, actor=officer.user, from_status=from_status)
    _notify_reviewers(product)
    return product


@transaction.atomic
def loan_product_retire(*, product: LoanProduct, officer: Officer) -> LoanProduct:
    product = LoanProduct.objects.select_for_update().get(pk=product.pk)
    _check_product_officer(product, officer)
    was_published = product.status == LoanProduct.Status.PUBLISHED
    from_status = _product_move(product, LoanProduct.Status.RETIRED)
    product.save(update_fields=["status", "updated_at"])
    _product_audit(product, actor=officer.user, from_status=from_status)
    if was_published:
        _matching_should_look_again(product)
    return product


@transaction.atomic
def loan_product_review(
    *, product: LoanProduct, reviewer: User, publish: bool, note: str = ""
) -> LoanProduct:
    """The finance office publishes a product (it is then matched) or returns it with a reason."""
    if reviewer is None or not reviewer.is_active or not reviewer.is_finance_office:
        raise ServiceError(_("Only the finance office reviews loan products."))
    product = LoanProduct.objects.select_for_update().get(pk=product.pk)
    if not publish and not note.strip():
        raise ServiceError(_("Say what the institution should change."), field="note")
    now = timezone.now()
    from_status = _product_move(
        product, LoanProduct.Status.PUBLISHED if publish else LoanProduct.Status.RETURNED
    )
    product.review_note = note.strip()
    product.reviewed_at = now
    if publish:
        product.published_at = now
    product.save()
    _product_audit(product, actor=reviewer, from_status=from_status, note=product.review_note)
    officers = User.objects.filter(
        officer__institution=product.institution, officer__is_active=True
    )
    notice_send(
        users=list(officers),
        title=(
            _("Product published: %(name)s")
            if publish
            else _("Product returned for changes: %(name)s")
        )
        % {"name": product.name},
        body=product.review_note,
        url=reverse("banks:product_edit", args=[product.pk]),
    )
    if publish:
        _matching_should_look_again(product)
    return product
