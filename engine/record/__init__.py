"""The record: case numbers, the chain checked against rows, audit, anchors, search."""
