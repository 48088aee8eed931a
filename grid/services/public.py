"""Public requests of a community: residents add their support (我也遇到) instead of
filing duplicates."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.timeline import Conflict

from ..models import RequestSupport, Resident, ServiceRequest


def resident_community_id(user) -> int | None:
    """The community of the user's verified, living resident record (None: not a
    verified resident)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return (
        Resident.objects.filter(user_id=user.pk, state=Resident.State.LIVING)
        .values_list("household__community_id", flat=True)
        .first()
    )


@transaction.atomic
def support_request(*, user, request: ServiceRequest) -> RequestSupport:
    """A verified resident of the same community supports a public, open request of
    someone else, once."""
    community_id = resident_community_id(user)
    if community_id is None:
        raise PermissionDenied(_("Only verified residents can support requests."))
    if not request.is_public or request.community_id != community_id:
        raise PermissionDenied(_("Only public requests of your community can be supported."))
    if request.state not in ServiceRequest.OPEN_STATES:
        raise Conflict(_("This request is no longer open."))
    if request.reporter_user_id == user.pk:
        raise ValidationError(_("This is your own request."))
    try:
        with transaction.atomic():
            return RequestSupport.objects.create(request=request, user=user)
    except IntegrityError as exc:
        raise Conflict(_("You already support this request.")) from exc
