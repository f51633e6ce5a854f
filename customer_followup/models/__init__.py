from . import customer_followup_tier_flag
from . import customer_followup_tier_channel
from . import customer_followup_tier
from . import customer_followup_makeup_day
from . import customer_followup_demo
from . import resource_calendar
from . import res_company
from . import res_partner
