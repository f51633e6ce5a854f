from . import report_anomaly_statistics
from . import report_followup_analysis
