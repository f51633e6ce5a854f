from . import customer_followup_visit_reschedule
from . import customer_followup_anomaly_statistics
from . import customer_followup_anomaly_handover
from . import customer_followup_kpi_line
