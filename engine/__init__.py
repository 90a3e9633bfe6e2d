"""jtflow's engine: runs, persists and times the standard's workflows.

Pure Python on SpiffWorkflow and SQLAlchemy; never imports Flask.
"""
