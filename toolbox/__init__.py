"""Module 2a: the communications toolbox (templates, guides, checklists, crisis playbook,
incident records).

Not built yet (issue 6); nothing here is installed as a plugin until then.
"""
