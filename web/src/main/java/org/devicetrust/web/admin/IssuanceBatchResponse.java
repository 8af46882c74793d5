package org.devicetrust.web.admin;

import java.util.ArrayList;
import java.util.List;
import org.devicetrust.pki.boundary.CertificateIssuance;
import org.devicetrust.web.problem.ProblemClassifier;
import org.devicetrust.web.problem.ProblemDetails;

/**
 * The outcome of a batch issuance, one result per request in request order: {@code status} 201 with the
 * certificate, or the status of the refusal with its problem details. {@code issued} and {@code refused} count
 * them.
 */
public record IssuanceBatchResponse(int issued, int refused, List<Result> results) {

    /** One request's outcome; exactly one of {@code certificate} and {@code problem} is set. */
    public record Result(String deviceId, int status, CertificateResponse certificate, Problem problem) {}

    /** A refusal as problem details (RFC 9457 members). */
    public record Problem(String type, String title, int status, String detail) {}

    static IssuanceBatchResponse of(List<CertificateIssuance.BatchResult> results) {
        int issued = 0;
        List<Result> answered = new ArrayList<>(results.size());
        for (CertificateIssuance.BatchResult result : results) {
            if (result.issued() != null) {
                issued++;
                answered.add(new Result(result.subject(), 201, CertificateResponse.of(result.issued()), null));
            } else {
                ProblemDetails problem = ProblemClassifier.classify(result.refusal());
                answered.add(new Result(
                        result.subject(),
                        problem.status(),
                        null,
                        new Problem(problem.type().uri(), problem.title(), problem.status(), problem.detail())));
            }
        }
        return new IssuanceBatchResponse(issued, results.size() - issued, answered);
    }
}
