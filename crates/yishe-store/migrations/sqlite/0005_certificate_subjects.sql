-- An HIS integration may authenticate by client certificate: the certificate's
-- subject common name or alternative name that identifies it.
ALTER TABLE api_keys ADD COLUMN certificate_subject TEXT;
CREATE UNIQUE INDEX api_keys_certificate_subject ON api_keys (certificate_subject);
