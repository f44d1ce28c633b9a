# Dates as the screens have always shown them (ISO order), not Django's US defaults.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
# Typed days: the first writes a date field's value; both are read.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
