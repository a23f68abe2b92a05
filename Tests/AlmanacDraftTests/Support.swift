import AlmanacCalendar
import AlmanacDraft
import AlmanacPlan
import Foundation
import Testing

/// Files and helpers the draft tests share.
enum DraftTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The official holiday tables shipped in config/holidays/cn.
    static func workCalendar() throws -> WorkCalendar {
        let dir = repositoryRoot.appendingPathComponent("config/holidays/cn")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
        let tables = try names.map { name in
            try HolidayTable.parse(bytes: [UInt8](try Data(contentsOf: dir.appendingPathComponent(name))), fileName: name)
        }
        return try WorkCalendar(tables: tables)
    }

    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return try Data(contentsOf: url)
    }

    static func options(year: Int, work: WorkCalendar? = nil) -> DraftOptions {
        let calendar = work
        return DraftOptions(year: year, sourceName: "test.txt", hasHolidayTable: { calendar?.hasTable(for: $0) ?? false })
    }

    /// Drafts a passage written for a test, with the shipped holiday tables and plan year 2026.
    static func draft(_ text: String, year: Int = 2026) throws -> Draft {
        try PlanDrafter.draft(bytes: Array(text.utf8), options: options(year: year, work: try workCalendar()))
    }

    /// Loads the draft's YAML as a plan and validates it with the date-rule checker; returns the errors.
    static func validationErrors(_ draft: Draft, work: WorkCalendar) -> [String] {
        let result = PlanLoader.load(fileName: "draft.yaml", text: draft.yaml())
        var diagnostics = result.diagnostics
        if let plan = result.plan {
            diagnostics += PlanValidator.validate(
                plan,
                options: ValidationOptions(
                    hasHolidayTable: { work.hasTable(for: $0) }, rules: DateRuleChecker(context: RuleContext(workCalendar: work))))
        } else {
            diagnostics.append(Diagnostic(.error, "the draft did not load as a plan", at: nil))
        }
        return diagnostics.filter { $0.severity == .error }.map(\.description)
    }
}
