"""Batches of the scheduled jobs that end on time as well as on size."""

from time import monotonic

# Elapsed seconds after which a batch of a scheduled job starts no further
# chunk: what is left is reported as remaining and Odoo's scheduler runs the
# job again at once, in a new transaction. While 50 people work on 2 cores
# (make load) a calendar event or an escalation costs 10 to 20 times what it
# costs on a quiet machine, so a size alone cannot keep a batch within its
# 5 s; a size and an elapsed time together do, whatever the machine is doing.
BATCH_SECONDS = 1.5


class BatchClock:
    """The elapsed time of one batch (``time.monotonic``); ``seconds=None``
    never runs out (a manager's run by hand does its whole batch)."""

    def __init__(self, seconds=BATCH_SECONDS):
        self.seconds = seconds
        self.start = monotonic()
        self.started = False

    def expired(self):
        return self.seconds is not None and monotonic() - self.start >= self.seconds

    def chunks(self, records, size):
        """``records`` in chunks of ``size`` while the batch has time left;
        the batch's first chunk always, so that each batch moves on (a scan
        that finds the time out is left to the next batch, at once)."""
        for index in range(0, len(records), size):
            if self.started and self.expired():
                return
            self.started = True
            yield records[index : index + size]
