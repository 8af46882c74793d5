package org.devicetrust.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.devicetrust.audit.control.AuditChain;
import org.devicetrust.audit.entity.ChainVerification;

/**
 * {@code audit verify}: checks the audit hash chain directly in the database, independent of the server,
 * with the same {@link AuditChain} the console uses. Exit code 0 when intact, 4 when a link is broken.
 */
final class AuditCommand {

    private static final int BATCH = 5000;

    private AuditCommand() {}

    static int run(String[] args) {
        if (args.length == 0 || !"verify".equals(args[0])) {
            throw new CommandException(
                    "usage: audit verify --jdbc-url URL [--user NAME] [--password-file FILE]"
                            + " | audit verify --data-dir DIR (embedded H2 of ./devicetrust run)",
                    2);
        }
        String url = null;
        String user = "devicetrust";
        String password = System.getenv().getOrDefault("DEVICETRUST_DB_PASSWORD", "");
        for (int i = 1; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--jdbc-url" -> url = required(args[i], value);
                case "--user" -> user = required(args[i], value);
                case "--password-file" -> password = read(Path.of(required(args[i], value)));
                case "--data-dir" -> {
                    Path dir = Path.of(required(args[i], value));
                    url = "jdbc:h2:file:" + dir.resolve("db/devicetrust").toAbsolutePath() + ";AUTO_SERVER=TRUE";
                    password = read(dir.resolve("secrets/h2-database.pass"));
                }
                default -> throw new CommandException("unknown option " + args[i], 2);
            }
            i++;
        }
        if (url == null) {
            throw new CommandException("audit verify needs --jdbc-url or --data-dir", 2);
        }
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
            connection.setReadOnly(true);
            long written = writtenCount(connection);
            ChainVerification result = AuditChain.verify(new Links(connection));
            if (result.intact() && result.checked() != written) {
                result = new ChainVerification(
                        result.checked(),
                        result.checked() + 1,
                        "chain ends at record " + result.checked() + " but " + written + " were written");
            }
            if (result.intact()) {
                System.out.println("audit chain intact: " + result.checked() + " records verified");
                return 0;
            }
            System.out.println("audit chain BROKEN at record " + result.firstBrokenSequence() + ": " + result.reason()
                    + " (" + result.checked() + " records before it verified)");
            return 4;
        } catch (SQLException e) {
            throw new CommandException("cannot read the audit log: " + e.getMessage());
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new CommandException(option + " needs a value", 2);
        }
        return value;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (java.io.IOException e) {
            throw new CommandException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static long writtenCount(Connection connection) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT last_seq FROM audit_chain_head WHERE id = 1");
                ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                throw new CommandException("the audit chain head row is missing");
            }
            return rs.getLong(1);
        }
    }

    /** Streams the chain in keyset-paged batches. */
    private static final class Links implements Iterator<AuditChain.Link> {
        private final Connection connection;
        private List<AuditChain.Link> batch = new ArrayList<>();
        private int index;
        private long next = 1;
        private boolean exhausted;

        Links(Connection connection) {
            this.connection = connection;
        }

        @Override
        public boolean hasNext() {
            if (index < batch.size()) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            batch = new ArrayList<>();
            index = 0;
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT seq, occurred_at_ms, actor, action, subject, outcome, detail, prev_hash, hash "
                            + "FROM audit_record WHERE seq >= ? ORDER BY seq LIMIT " + BATCH)) {
                st.setLong(1, next);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        batch.add(new AuditChain.Link(
                                rs.getLong(1),
                                rs.getLong(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getString(8).strip(),
                                rs.getString(9).strip()));
                    }
                }
            } catch (SQLException e) {
                throw new CommandException("cannot read the audit log: " + e.getMessage());
            }
            exhausted = batch.size() < BATCH;
            return !batch.isEmpty();
        }

        @Override
        public AuditChain.Link next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            AuditChain.Link link = batch.get(index++);
            next = link.sequence() + 1;
            return link;
        }
    }
}
