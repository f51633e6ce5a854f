from . import test_repair_followup
from . import test_i18n
from . import test_after_sales_kpis
