package org.devicetrust.web.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.devicetrust.platform.boundary.ProblemType;
import org.junit.jupiter.api.Test;

/** The catalogue is complete for the web sources and documented, status included, in docs/problems.md. */
class ProblemCatalogueTest {

    private static final Path DOCS = Path.of("../docs/problems.md");
    private static final Pattern REFUSAL =
            Pattern.compile("(\\bnew\\s+[\\w.]*(Exception|Refused|Rejected|Unauthenticated|InvalidRequest|InvalidCsr)"
                    + "|\\bsuper)\\s*\\(");
    private static final Pattern TYPE_LITERAL = Pattern.compile("\"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\"");
    /** A row of the catalogue table: {@code | `type` | status | meaning | what to do |}. */
    private static final Pattern ROW =
            Pattern.compile("^\\|\\s*`([a-z0-9-]+)`\\s*\\|\\s*(\\d{3})\\s*\\|(.+)\\|(.+)\\|\\s*$", Pattern.MULTILINE);

    @Test
    void everyTypeIsDocumentedWithItsStatusMeaningAndWhatToDo() throws IOException {
        String docs = Files.readString(DOCS);
        Matcher row = ROW.matcher(docs);
        Set<String> documented = new HashSet<>();
        List<String> wrong = new ArrayList<>();
        while (row.find()) {
            String type = row.group(1);
            documented.add(type);
            ProblemType entry = ProblemType.find(type).orElse(null);
            if (entry == null) {
                wrong.add(type + " is documented but not in the catalogue");
            } else if (ProblemClassifier.status(entry) != Integer.parseInt(row.group(2))) {
                wrong.add(
                        type + " is documented as " + row.group(2) + " but answers " + ProblemClassifier.status(entry));
            } else if (row.group(3).isBlank() || row.group(4).isBlank()) {
                wrong.add(type + " needs its meaning and what the client should do");
            }
        }
        for (ProblemType type : ProblemType.values()) {
            if (!documented.contains(type.type())) {
                wrong.add(type.type() + " is not documented in docs/problems.md");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyTypeNamedInTheWebSourcesIsCatalogued() throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String statement : Files.readString(file).split(";")) {
                    Matcher refusal = REFUSAL.matcher(statement);
                    if (refusal.find()) {
                        Matcher literal = TYPE_LITERAL.matcher(statement.substring(refusal.start()));
                        while (literal.find()) {
                            if (ProblemType.find(literal.group(1)).isEmpty()) {
                                missing.add(file.getFileName() + ": " + literal.group(1));
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void theApiDocsLinkTheCatalogue() throws IOException {
        for (String doc : List.of("device-api.md", "est.md")) {
            assertTrue(Files.readString(DOCS.resolveSibling(doc)).contains("problems.md"), doc);
        }
    }
}
