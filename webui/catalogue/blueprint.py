"""The catalogue's blueprint (D1, D2, O5): its pages under /catalogue, every template of
theirs reading the catalogue's codes by name (labels.py)."""

from __future__ import annotations

from flask import Blueprint

from .labels import for_catalogue_templates

catalogue = Blueprint("catalogue", __name__, url_prefix="/catalogue")
catalogue.context_processor(for_catalogue_templates)
