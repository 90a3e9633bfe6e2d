"""The catalogue's pages (《厦门市交通信息资源目录》, D1, D2, O5): entries, their import and
export, and the register of data administrators, on one blueprint."""

from . import administrators, entries, files
from .blueprint import catalogue

__all__ = ["administrators", "catalogue", "entries", "files"]
