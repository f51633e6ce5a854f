from . import report_anomaly_statistics
from . import report_followup_analysis
from . import customer_followup_repair_report
