"""CourseError: a refusal the user can fix, printed by ``course.cli`` as one line.

Why: a command that raises this says what is wrong and how to fix it, and the command line
turns it into ``course NAME: message`` with exit status 2, never a traceback.
"""


class CourseError(Exception):
    """A refusal with a message that names the file and the fix."""
