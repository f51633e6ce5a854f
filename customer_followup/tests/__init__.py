from . import test_tier_rules
from . import test_tier_engine
from . import test_tier_access
from . import test_working_time
from . import test_anomaly_deadlines
from . import test_anomaly_flow
from . import test_anomaly_escalation
from . import test_anomaly_access
