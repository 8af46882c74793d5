package org.devicetrust.system.account;

import static org.devicetrust.system.DeviceTrustServer.assertProblem;
import static org.devicetrust.system.DeviceTrustServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.Test;

/** The admin API's accounts: created by an administrator only, password never answered, every bad input refused. */
class AccountsApiIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    private static final String ACCOUNTS = "/api/v1/admin/accounts";
    private static final String JSON = "application/json";

    private static String body(String username, String password, String role) {
        return Json.createObjectBuilder()
                .add("username", username)
                .add("password", password)
                .add("role", role)
                .build()
                .toString();
    }

    private static String newName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static boolean listed(HttpResponse<String> list, String username, String role) {
        return Json.createReader(new StringReader(list.body())).readArray().stream()
                .map(v -> v.asJsonObject())
                .anyMatch(a -> a.getString("username").equals(username)
                        && a.getString("role").equals(role));
    }

    @Test
    void anAdministratorCreatesAnAccountThatSignsInAndThePasswordIsNeverAnswered() {
        String name = newName("second-admin");
        String password = "pw-" + UUID.randomUUID();
        HttpResponse<String> created = SERVER.admin("POST", ACCOUNTS, JSON, body(name, password, "admin"));
        assertEquals(201, created.statusCode(), created.body());
        JsonObject account = json(created.body());
        assertEquals(name, account.getString("username"));
        assertEquals("admin", account.getString("role"));
        assertFalse(created.body().contains(password), "the password is never answered");
        assertFalse(created.body().toLowerCase().contains("password"), created.body());

        HttpResponse<String> asNew = SERVER.asUser(name, password, "GET", ACCOUNTS, null, null);
        assertEquals(200, asNew.statusCode(), asNew.body());
        assertTrue(listed(asNew, name, "admin"), asNew.body());
        assertFalse(asNew.body().contains(password));
    }

    @Test
    void onlyAnAdministratorMayListOrCreateAccounts() {
        String operator = newName("operator");
        String password = "pw-" + UUID.randomUUID();
        assertEquals(
                201,
                SERVER.admin("POST", ACCOUNTS, JSON, body(operator, password, "operator"))
                        .statusCode());
        String wanted = newName("by-operator");
        assertProblem(
                SERVER.asUser(
                        operator, password, "POST", ACCOUNTS, JSON, body(wanted, "long enough password", "admin")),
                403,
                "forbidden");
        assertProblem(SERVER.asUser(operator, password, "GET", ACCOUNTS, null, null), 403, "forbidden");
        assertFalse(listed(SERVER.admin("GET", ACCOUNTS, null, null), wanted, "admin"), "nothing was created");
    }

    @Test
    void badInputIsRefusedWithAProblemAndCreatesNothing() {
        String name = newName("bad");
        assertProblem(SERVER.admin("POST", ACCOUNTS, JSON, body(name, "short", "admin")), 400, "account-invalid");
        assertProblem(
                SERVER.admin("POST", ACCOUNTS, JSON, body("Bad Name!", "long enough password", "admin")),
                400,
                "account-invalid");
        assertProblem(
                SERVER.admin("POST", ACCOUNTS, JSON, body(name, "long enough password", "root")),
                400,
                "invalid-request");
        assertProblem(SERVER.admin("POST", ACCOUNTS, JSON, "{\"username\":\"" + name + "\"}"), 400, "invalid-request");
        assertEquals(400, SERVER.admin("POST", ACCOUNTS, JSON, "{not json").statusCode());
        assertFalse(listed(SERVER.admin("GET", ACCOUNTS, null, null), name, "admin"), "nothing was created");

        assertEquals(
                201,
                SERVER.admin("POST", ACCOUNTS, JSON, body(name, "long enough password", "auditor"))
                        .statusCode());
        assertProblem(
                SERVER.admin("POST", ACCOUNTS, JSON, body(name, "another long password", "admin")),
                409,
                "account-exists");
        assertTrue(listed(SERVER.admin("GET", ACCOUNTS, null, null), name, "auditor"), "the first one stands");
    }
}
