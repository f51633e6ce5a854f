from . import test_repair_followup
from . import test_i18n
