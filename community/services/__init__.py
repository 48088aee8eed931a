"""Every change of community life goes through these functions, one module per part:
appointments with the office, notices with read receipts, the residents' message board
and emergencies with their household roll call."""

from .appointments import (
    book_appointment,
    bookable_resident,
    cancel_appointment,
    close_slot,
    local,
    may_keep,
    open_slots,
    opening_hours,
    record_outcome,
    send_reminders,
)
from .board import answer_message, hide_message, post_message, report_message, restore_message
from .emergencies import (
    answer_roll_call,
    close_emergency,
    coverage,
    households_of,
    may_answer_for,
    mobilisation_states,
    open_emergency,
    own_household,
)
from .groups import (
    close_group,
    hide_group_post,
    is_member,
    join_group,
    leave_group,
    may_moderate,
    post_in_group,
    start_group,
)
from .notices import mark_notice_read, publish_notice, receipts, required_readers, residents_reached

__all__ = [
    "close_group",
    "hide_group_post",
    "is_member",
    "join_group",
    "leave_group",
    "may_moderate",
    "post_in_group",
    "start_group",
    "answer_roll_call",
    "close_emergency",
    "coverage",
    "households_of",
    "may_answer_for",
    "mobilisation_states",
    "open_emergency",
    "own_household",
    "answer_message",
    "book_appointment",
    "bookable_resident",
    "cancel_appointment",
    "close_slot",
    "hide_message",
    "local",
    "mark_notice_read",
    "may_keep",
    "open_slots",
    "opening_hours",
    "post_message",
    "publish_notice",
    "receipts",
    "record_outcome",
    "report_message",
    "required_readers",
    "residents_reached",
    "restore_message",
    "send_reminders",
]
