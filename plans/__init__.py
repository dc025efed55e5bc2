"""Planning: yearly account plans, their quarterly reviews and reminders."""
