"""Forms that hand their cleaned input to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from xinan.core.exceptions import DomainError, NotFound, PermissionDenied

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

T = TypeVar("T")


class ServiceForm(forms.Form):
    """A form whose valid input goes to one service call.

    A domain error from the service (a taken identifier, a state that forbids the change)
    becomes an error on the form, shown to the user, instead of a 500. Authorisation errors
    pass through to :func:`xinan.core.pages.page`.
    """

    #: Domain error class -> (field or None, message) for errors with a friendlier wording.
    error_messages_by_type: dict[type[DomainError], tuple[str | None, StrOrPromise]] = {}

    def call_service(self, call: Callable[[], T]) -> T | None:
        """Run ``call``; on a domain error add it to the form and return ``None``."""
        try:
            return call()
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            field, message = self._message_for(exc)
            self.add_error(field, message)
            return None

    def _message_for(self, exc: DomainError) -> tuple[str | None, StrOrPromise]:
        for error_type, (field, message) in self.error_messages_by_type.items():
            if isinstance(exc, error_type):
                return field, message
        return None, _("操作未能完成：%(detail)s") % {"detail": exc.detail}
