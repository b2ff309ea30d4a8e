"""Prevention notices: the web test harness and fresh rate limits, as for the public pages."""

from tests.public.conftest import fresh_rate_limits  # noqa: F401  (fixture)
from tests.webapp.conftest import as_user, bearer_api, fresh_g_per_request  # noqa: F401  (fixtures)
