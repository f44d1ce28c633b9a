from .account import PortalLoginView, logout_view, password_change
from .lists import closed, home
from .preferences import preferences
from .requests import attachment, close, detail, reopen, update
from .wizard import new_request

__all__ = [
    "PortalLoginView",
    "attachment",
    "close",
    "closed",
    "detail",
    "home",
    "logout_view",
    "new_request",
    "password_change",
    "preferences",
    "reopen",
    "update",
]
