package org.devicetrust.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an issuance burst interrupted by {@code kill -9} must leave behind, checked against the server and its
 * database: every certificate a client got a 201 for is stored, equal to what the client got and signed by the
 * Device CA; no serial is stored twice; each stored certificate of the burst's devices has exactly one
 * CERTIFICATE_ISSUED record naming it; the audit chain is intact.
 */
public final class IssuanceAfterKill {

    private static final Pattern SERIAL = Pattern.compile("^serial ([0-9a-f]+),");

    /** The counts the checks saw, and the audit verification's answer. */
    public record Outcome(int verified, int stored, int issuedRecords, Object chainChecked) {}

    private IssuanceAfterKill() {}

    /**
     * @param devicePrefix the burst's devices are named {@code devicePrefix-...}
     * @param acknowledged serial (hex) to PEM, as the server answered each 201
     */
    public static Outcome check(DeviceTrustServer server, String devicePrefix, Map<String, String> acknowledged)
            throws Exception {
        PublicKey caKey = server.deviceCaKey();
        int verified = 0;
        for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
            HttpResponse<String> found = server.admin("GET", "/api/v1/admin/certificates/" + ack.getKey(), null, null);
            assertEquals(200, found.statusCode(), "acknowledged certificate " + ack.getKey() + " is lost");
            X509Certificate stored = DeviceTrustServer.certificate(
                    DeviceTrustServer.json(found.body()).getString("pem"));
            stored.verify(caKey);
            assertEquals(DeviceTrustServer.certificate(ack.getValue()), stored);
            verified++;
        }
        Set<String> stored = new HashSet<>();
        int records = 0;
        try (Connection db = DeviceTrustServer.database()) {
            try (ResultSet dup = db.createStatement()
                    .executeQuery("SELECT serial_hex, COUNT(*) FROM issued_certificate GROUP BY serial_hex"
                            + " HAVING COUNT(*) > 1")) {
                assertFalse(dup.next(), "a serial is stored twice");
            }
            try (PreparedStatement q =
                    db.prepareStatement("SELECT serial_hex FROM issued_certificate WHERE device_id LIKE ?")) {
                q.setString(1, devicePrefix + "-%");
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        stored.add(rs.getString(1));
                    }
                }
            }
            assertTrue(stored.containsAll(acknowledged.keySet()), "every acknowledged serial is stored");
            try (PreparedStatement q = db.prepareStatement("SELECT detail FROM audit_record WHERE action ="
                    + " 'CERTIFICATE_ISSUED' AND outcome = 'SUCCESS' AND subject LIKE ?")) {
                q.setString(1, devicePrefix + "-%");
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        Matcher m = SERIAL.matcher(rs.getString(1));
                        assertTrue(m.find(), rs.getString(1));
                        assertTrue(
                                stored.contains(m.group(1)),
                                "audit record of certificate " + m.group(1) + " that does not exist");
                        records++;
                    }
                }
            }
            assertEquals(stored.size(), records, "every stored certificate has its issued record and no more");
        }
        HttpResponse<String> chain = server.admin("POST", "/api/v1/admin/audit/verification", null, null);
        assertEquals(200, chain.statusCode(), chain.body());
        assertTrue(DeviceTrustServer.json(chain.body()).getBoolean("intact"), chain.body());
        return new Outcome(
                verified,
                stored.size(),
                records,
                DeviceTrustServer.json(chain.body()).get("checked"));
    }
}
