from . import test_hr_expense
