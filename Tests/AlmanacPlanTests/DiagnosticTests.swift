import Testing

@testable import AlmanacPlan

@Suite struct DiagnosticTests {
    @Test func printsLikeACompiler() {
        let d = Diagnostic(
            .error, "unknown unit 'wmb2' (known: wmb, whjc)",
            at: SourceLocation(file: "plan.yaml", line: 12, column: 9))
        #expect(d.description == "plan.yaml:12:9: error: unknown unit 'wmb2' (known: wmb, whjc)")
        #expect(Diagnostic.Severity.warning < .error)
    }
}

@Suite struct MailAddressTests {
    @Test(arguments: [
        ("wmb@example.org", true), ("a.b+c@mail.example.org", true), ("wmb@example.123", false),
        ("wmb@", false), ("@example.org", false), ("wmb@example", false), ("wmb@example.", false),
        ("a@b@example.org", false), ("wmb@-x.org", false), ("", false),
    ])
    func recognisesAddresses(_ text: String, _ valid: Bool) {
        #expect(PlanValidator.isMailAddress(text) == valid)
    }
}
