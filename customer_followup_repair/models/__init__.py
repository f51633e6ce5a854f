from . import repair_order
from . import res_config_settings
