"""The settings of the test run: the project's own, with a secret key for tests.

The project refuses to start with DEBUG off and no SECRET_KEY; tests run with DEBUG off.
The key goes into the environment, so the processes the tests start (Celery workers,
concurrent writers) read it too.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-never-used-outside-the-test-suite-0123456789")

from helpdesk.settings import *  # noqa: F403 (the project's settings, unchanged)
