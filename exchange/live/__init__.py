"""Module 3a: live peer-consulting sessions in the browser, over Django Channels."""
