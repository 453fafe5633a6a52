"""allauth user-sessions adapter: ending sessions also ends their live connections."""

from allauth.usersessions.adapter import DefaultUserSessionsAdapter


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """ "Log out other sessions" must not leave WebSockets of those sessions open."""

    def end_sessions(self, sessions) -> None:
        """End the sessions, then make the users' connections re-authenticate."""
        from .receivers import recheck_after_commit

        sessions = list(sessions)
        super().end_sessions(sessions)
        for user_id in {session.user_id for session in sessions}:
            recheck_after_commit(user_id)
