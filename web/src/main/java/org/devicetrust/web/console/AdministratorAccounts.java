package org.devicetrust.web.console;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import org.devicetrust.account.boundary.Administrators;
import org.devicetrust.account.entity.Administrator;
import org.devicetrust.account.entity.Role;

/** Administrators only: the accounts and their roles, and creating an account. */
@Named
@ViewScoped
public class AdministratorAccounts implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    Administrators administrators;

    private List<Administrator> accounts = List.of();
    private String username;
    private transient String password;
    private Role role = Role.operator;

    public void load() {
        try {
            accounts = administrators.list();
        } catch (RuntimeException e) {
            Messages.failure("Accounts not shown", e);
        }
    }

    public void create() {
        char[] secret = password == null ? new char[0] : password.toCharArray();
        password = null;
        try {
            administrators.create(username == null ? null : username.strip(), secret, role);
            Messages.info("Account " + username.strip() + " created with role " + role + ".");
            username = null;
        } catch (RuntimeException e) {
            Messages.failure("Account not created", e);
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
        load();
    }

    public boolean locked(Administrator account) {
        return account.isLocked(java.time.Instant.now());
    }

    public Role[] getRoles() {
        return Role.values();
    }

    public List<Administrator> getAccounts() {
        return accounts;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return null;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Role getRole() {
        return role;
    }

    public void setRole(Role role) {
        this.role = role;
    }
}
