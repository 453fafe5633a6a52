"""Module 2a: the communications toolbox (templates, guides, checklists, crisis playbook,
incident records)."""
