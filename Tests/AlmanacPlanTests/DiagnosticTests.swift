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
