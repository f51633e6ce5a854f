from . import customer_followup_visit_expense
from . import hr_expense_sheet
