-- Encryption at rest: the sensitive columns of referrals (patient, consent, note,
-- status_note) now hold AES-256-GCM ciphertext; key_id names the key that sealed the
-- row (NULL for rows written before encryption, which the server re-encrypts at
-- start), and patient_lookup the keyed hash of the HIS patient id for exact lookup.
ALTER TABLE referrals ADD COLUMN key_id TEXT;
ALTER TABLE referrals ADD COLUMN patient_lookup TEXT;
CREATE INDEX referrals_key ON referrals (key_id);
CREATE INDEX referrals_patient_lookup ON referrals (patient_lookup);
