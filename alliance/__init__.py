"""Module 1a: the extended-alliance directory (organisations, contact channels with
their own visibility, partner self-service, "Wer hilft bei …?").

Not built yet (issue 7); nothing here is installed as a plugin until then.
"""
