"""Definitions: deploying diagrams, forms, process versions, diagram texts."""
