# Dates as the screens have always shown them (ISO order), not Django's US defaults.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
# Typed days: the first writes a date field's value; both are read.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
# Typed times: the first writes a field's value and placeholder; all are read (the T forms are
# what a browser's own date-time picker and older links send).
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
]
