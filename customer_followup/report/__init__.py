from . import report_anomaly_statistics
