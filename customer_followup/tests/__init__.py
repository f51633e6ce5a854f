from . import test_tier_rules
from . import test_tier_engine
from . import test_tier_access
from . import test_working_time
from . import test_visit_rules
