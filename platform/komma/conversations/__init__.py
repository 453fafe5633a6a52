"""Private messages between members ("Nachrichten"), shown only by pseudonym or alias."""
