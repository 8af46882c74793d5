-- Delta CRLs (RFC 5280 5.2.4) live beside the full CRLs in published_crl and share their CRL numbers (one
-- sequence per issuer, crl_series): base_crl_number is the number of the full CRL a delta builds on, NULL for
-- a full CRL.
ALTER TABLE published_crl ADD COLUMN base_crl_number BIGINT;
ALTER TABLE published_crl ADD CONSTRAINT published_crl_base_check
    CHECK (base_crl_number IS NULL OR base_crl_number < crl_number);
