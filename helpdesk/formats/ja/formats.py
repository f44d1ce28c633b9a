# As Japanese offices write them; the time of day keeps its leading zero (09:30).
DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y/m/d"
DATETIME_FORMAT = "Y/m/d H:i"
SHORT_DATETIME_FORMAT = "Y/m/d H:i"
TIME_FORMAT = "H:i"
# Typed days: the first writes a date field's value; both are read.
DATE_INPUT_FORMATS = ["%Y/%m/%d", "%Y-%m-%d"]
