"""Notifications (issue 16): written by the steps that make their events (writing.py), read
by the bell and its page (reading.py), summed up once a day (digest.py) and handed to a
delivery channel (delivery.py)."""
