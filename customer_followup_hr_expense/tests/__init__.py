from . import test_hr_expense
from . import test_i18n
