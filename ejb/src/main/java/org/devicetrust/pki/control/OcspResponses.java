package org.devicetrust.pki.control;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * OCSP (RFC 6960, profiled by RFC 5019): reads requests and builds signed responses. Pure: the signer, the
 * times and the answers come in as arguments. Every signed response is verified against the signer's public key
 * before it is returned.
 *
 * <p>A request names the certificate by hash of the issuer's name and key plus serial; this class knows the
 * Device CA's hashes for SHA-1 (RFC 5019's choice) and SHA-256, so a foreign issuer is recognised without a
 * lookup.
 */
public final class OcspResponses {

    /** The largest request read: one SHA-256 CertID is ~100 bytes; a few with a nonce stay far below this. */
    public static final int MAX_REQUEST_BYTES = 4096;
    /** The most certificates one request may ask about. */
    public static final int MAX_CERTIFICATES_PER_REQUEST = 10;
    /** RFC 8954: a nonce is 1 to 32 octets. */
    public static final int MAX_NONCE_BYTES = 32;

    /** A request that is not a well-formed OCSP request within our limits (answered malformedRequest). */
    public static final class MalformedRequest extends Exception {
        public MalformedRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** A request whose CertID hash algorithm we do not speak (answered unauthorized: we cannot tell). */
    public static final class UnsupportedHash extends Exception {
        public UnsupportedHash(String message) {
            super(message, null, false, false);
        }
    }

    /** One certificate asked about: its CertID as sent and whether it names the Device CA as issuer. */
    public record Query(CertificateID id, boolean ourIssuer) {
        public BigInteger serial() {
            return id.getSerialNumber();
        }
    }

    /** A parsed request: the certificates asked about and the nonce (null when none was sent). */
    public record Request(List<Query> queries, byte[] nonce) {
        public Request {
            queries = List.copyOf(queries);
            nonce = nonce == null ? null : nonce.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce == null ? null : nonce.clone();
        }

        public boolean hasNonce() {
            return nonce != null;
        }
    }

    /** The answer for one certificate. */
    public record Answer(Query query, Kind kind, Instant revokedAt, int reasonCode) {
        public enum Kind {
            GOOD,
            REVOKED,
            UNKNOWN
        }

        public static Answer good(Query q) {
            return new Answer(q, Kind.GOOD, null, -1);
        }

        public static Answer unknown(Query q) {
            return new Answer(q, Kind.UNKNOWN, null, -1);
        }

        public static Answer revoked(Query q, Instant at, int reasonCode) {
            return new Answer(q, Kind.REVOKED, Objects.requireNonNull(at), reasonCode);
        }
    }

    private final Provider provider;
    private final byte[] sha1NameHash;
    private final byte[] sha1KeyHash;
    private final byte[] sha256NameHash;
    private final byte[] sha256KeyHash;

    /** {@code deviceCa}: the issuer whose certificates this responder answers for. */
    public OcspResponses(java.security.cert.X509Certificate deviceCa, Provider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
        try {
            byte[] name = deviceCa.getSubjectX500Principal().getEncoded();
            byte[] key = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                            deviceCa.getPublicKey().getEncoded())
                    .getPublicKeyData()
                    .getBytes();
            sha1NameHash = MessageDigest.getInstance("SHA-1").digest(name);
            sha1KeyHash = MessageDigest.getInstance("SHA-1").digest(key);
            sha256NameHash = MessageDigest.getInstance("SHA-256").digest(name);
            sha256KeyHash = MessageDigest.getInstance("SHA-256").digest(key);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 and SHA-256 are required by the Java platform", e);
        }
    }

    /** Parses a DER request; length first, then structure, then the limits. */
    public Request parse(byte[] der) throws MalformedRequest, UnsupportedHash {
        if (der == null || der.length == 0) {
            throw new MalformedRequest("empty request");
        }
        if (der.length > MAX_REQUEST_BYTES) {
            throw new MalformedRequest("request larger than " + MAX_REQUEST_BYTES + " bytes");
        }
        OCSPReq request;
        try {
            ASN1Primitive parsed = ASN1Primitive.fromByteArray(der);
            if (!Arrays.equals(parsed.getEncoded(ASN1Encoding.DER), der)) {
                throw new MalformedRequest("request is not DER");
            }
            request = new OCSPReq(der);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRequest("request is not an OCSP request");
        }
        Req[] list = request.getRequestList();
        if (list.length == 0) {
            throw new MalformedRequest("request names no certificate");
        }
        if (list.length > MAX_CERTIFICATES_PER_REQUEST) {
            throw new MalformedRequest("request names more than " + MAX_CERTIFICATES_PER_REQUEST + " certificates");
        }
        List<Query> queries = new ArrayList<>(list.length);
        for (Req req : list) {
            CertificateID id = req.getCertID();
            queries.add(new Query(id, ours(id)));
        }
        byte[] nonce = null;
        Extension nonceExtension = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (nonceExtension != null) {
            byte[] value = nonceExtension.getExtnValue().getOctets();
            // RFC 8954: an OCTET STRING of 1..32 octets inside the extension; some clients send the bare octets
            int length = value.length;
            try {
                if (value.length > 1 && value[0] == 0x04) {
                    ASN1Primitive inner = ASN1Primitive.fromByteArray(value);
                    if (inner instanceof ASN1OctetString octets) {
                        length = octets.getOctets().length;
                    }
                }
            } catch (IOException e) {
                // bare octets that happen to start like an OCTET STRING
            }
            if (length < 1 || length > MAX_NONCE_BYTES) {
                throw new MalformedRequest("nonce must be 1 to " + MAX_NONCE_BYTES + " octets");
            }
            nonce = value;
        }
        return new Request(queries, nonce);
    }

    private boolean ours(CertificateID id) throws UnsupportedHash {
        AlgorithmIdentifier algorithm = id.getHashAlgOID() == null ? null : new AlgorithmIdentifier(id.getHashAlgOID());
        byte[] nameHash = id.getIssuerNameHash();
        byte[] keyHash = id.getIssuerKeyHash();
        if (algorithm != null && OIWObjectIdentifiers.idSHA1.equals(algorithm.getAlgorithm())) {
            return MessageDigest.isEqual(nameHash, sha1NameHash) && MessageDigest.isEqual(keyHash, sha1KeyHash);
        }
        if (algorithm != null && NISTObjectIdentifiers.id_sha256.equals(algorithm.getAlgorithm())) {
            return MessageDigest.isEqual(nameHash, sha256NameHash) && MessageDigest.isEqual(keyHash, sha256KeyHash);
        }
        throw new UnsupportedHash("CertID hash algorithm " + id.getHashAlgOID() + " is not supported");
    }

    /** Signs a successful response; {@code nonce} (the request's extension value) is echoed when not null. */
    public byte[] sign(
            CaCredential signer,
            List<Answer> answers,
            byte[] nonce,
            Instant producedAt,
            Instant thisUpdate,
            Instant nextUpdate) {
        Objects.requireNonNull(signer, "signer");
        if (answers.isEmpty()) {
            throw new IllegalArgumentException("a response answers at least one certificate");
        }
        try {
            X509CertificateHolder signerHolder =
                    new X509CertificateHolder(signer.certificate().getEncoded());
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(signerHolder.getSubject()));
            for (Answer answer : answers) {
                CertificateStatus status = switch (answer.kind()) {
                    case GOOD -> CertificateStatus.GOOD;
                    case UNKNOWN -> new UnknownStatus();
                    case REVOKED ->
                        answer.reasonCode() < 0
                                ? new RevokedStatus(Date.from(answer.revokedAt()))
                                : new RevokedStatus(Date.from(answer.revokedAt()), answer.reasonCode());
                };
                builder.addResponse(
                        answer.query().id(),
                        status,
                        Date.from(thisUpdate),
                        nextUpdate == null ? null : Date.from(nextUpdate),
                        null);
            }
            if (nonce != null) {
                builder.setResponseExtensions(new Extensions(
                        new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce))));
            }
            BasicOCSPResp basic = builder.build(
                    CertificateFactory.signer(signer, provider),
                    responderCertificates(signer, signerHolder),
                    Date.from(producedAt));
            if (!basic.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .setProvider(Signatures.forKey(signer.publicKey(), provider))
                    .build(signer.publicKey()))) {
                throw new IllegalStateException("self-check failed: OCSP response does not verify with the signer key");
            }
            return new OCSPRespBuilder()
                    .build(OCSPRespBuilder.SUCCESSFUL, basic)
                    .getEncoded();
        } catch (IOException
                | OCSPException
                | CertificateEncodingException
                | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("OCSP response cannot be encoded", e);
        }
    }

    /**
     * The signer and its issuer (the Device CA), so that a relying party that asks about a foreign certificate
     * (and so names another issuer) can still build the signer's chain to the root it trusts.
     */
    private static X509CertificateHolder[] responderCertificates(CaCredential signer, X509CertificateHolder holder)
            throws IOException, CertificateEncodingException {
        if (signer.chain().size() < 2) {
            return new X509CertificateHolder[] {holder};
        }
        return new X509CertificateHolder[] {
            holder, new X509CertificateHolder(signer.chain().get(1).getEncoded())
        };
    }

    /** An unsigned error response (RFC 6960 4.2.1): malformedRequest, internalError, tryLater, unauthorized. */
    public static byte[] error(int status) {
        if (status == OCSPRespBuilder.SUCCESSFUL) {
            throw new IllegalArgumentException("an error response needs an error status");
        }
        try {
            return new OCSPRespBuilder().build(status, null).getEncoded();
        } catch (IOException | OCSPException e) {
            throw new IllegalStateException("OCSP error response cannot be encoded", e);
        }
    }

    /** RFC 5280 reason code of an answer; unspecified (0) is left out of the response as in the CRL. */
    public static int reasonCodeForResponse(int code) {
        return code == CRLReason.unspecified ? -1 : code;
    }

    /** The response, parsed (for tests and tools). */
    public static OCSPResp parsed(byte[] der) {
        try {
            return new OCSPResp(der);
        } catch (IOException e) {
            throw new IllegalStateException("OCSP response cannot be parsed", e);
        }
    }
}
