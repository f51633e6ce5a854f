from . import customer_followup_repair_report
