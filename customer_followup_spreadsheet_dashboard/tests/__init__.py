from . import test_dashboard
from . import test_i18n
from . import test_dashboard_browser
