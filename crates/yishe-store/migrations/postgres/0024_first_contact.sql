-- When the station first met the patient or family (issue 12): set by the first
-- recorded contact, shown to the department as first_contact_time.
ALTER TABLE referrals ADD COLUMN first_contact_at TIMESTAMPTZ;
