from faelles.core.scheduler import Job
from faelles.indicators.tasks import refresh_all_statbank

# Statistics Denmark publishes at 08:00; by 09:00 local time the day's tables are out.
JOBS = [Job(name="indicators.refresh_statbank", task=refresh_all_statbank, at_hour=9)]
