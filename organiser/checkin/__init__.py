"""The check-in page at the door (/check-in/): search or scan, one tap checks in, walk-ins.

For users with the `registrations.check_in` permission (the "Check-in staff" group, organisers).
The rules live in registrations/checkin.py and walk_ins.py; these views parse and render.
"""
