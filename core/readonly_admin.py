"""Admin pages of records that only services write."""


class ReadOnlyMixin:
    """Records that only services write (movements, decisions, messages) are read here."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
