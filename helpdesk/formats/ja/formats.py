# As Japanese offices write them; the time of day keeps its leading zero (09:30).
DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y/m/d"
DATETIME_FORMAT = "Y/m/d H:i"
SHORT_DATETIME_FORMAT = "Y/m/d H:i"
TIME_FORMAT = "H:i"
