"""Module 3a: exchange — moderated peer-consulting forums (``exchange.forums``) and live
peer-consulting sessions over Channels (``exchange.live``).

Not built yet (issues 4 and 5); nothing here is installed as a plugin until then.
"""
