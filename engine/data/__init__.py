"""Data resources (SPEC §4, O5): the catalogue, its administrators and the grants made."""
