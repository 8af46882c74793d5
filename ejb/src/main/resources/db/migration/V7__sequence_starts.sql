-- EclipseLink pre-allocates ids by reading a sequence whose INCREMENT equals the allocation size and taking
-- the block that ends at the value read; a sequence that starts below its increment yields a first block
-- with ids below 1, which EclipseLink refuses ("increment does not match its pre-allocation size").
-- Start each sequence at its increment.
ALTER SEQUENCE device_status_change_seq RESTART WITH 50;
ALTER SEQUENCE issued_certificate_seq RESTART WITH 50;
ALTER SEQUENCE published_crl_seq RESTART WITH 10;
