import AlmanacControl
import AlmanacHost
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Testing

@testable import AlmanacDaemon

@Suite("checklists through the daemon")
struct ChecklistControlTests {
    /// 2 大项, 5 小项 over 3 units, due 2027-08-10, from a CSV next to the plan.
    func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        let generated = GeneratedChecklist(majors: 2, minors: 5, units: 3, evidence: 41)
        try sandbox.write("plans/a.yaml", generated.planYAML(year: 2027))
        try sandbox.write("plans/indicators.csv", generated.csv)
        return sandbox
    }

    func start(_ sandbox: Sandbox) async throws -> (DaemonController, DaemonControlHandler) {
        let configuration = try sandbox.configuration()
        let store = Result<any StateStore, StoreError> { () throws(StoreError) in
            try SQLiteStateStore(path: configuration.databasePath)
        }
        let controller = DaemonController(configuration: configuration, store: store, logger: quietLogger, clock: ManualClock(fixedNow))
        await controller.start(controlActivated: false)
        return (controller, DaemonControlHandler(controller: controller))
    }

    let admin = ControlPeer(credentials: PeerCredentials(pid: 1, uid: 1000, gid: 1000))

    @Test func statusJSONCarriesTotalsPerChecklistAndUnit() async throws {
        let sandbox = try sandbox()
        defer { sandbox.cleanup() }
        // The status model comes from the scheduler: run the daemon in process.
        let daemon = try await InProcessDaemon(configuration: try sandbox.configuration(), at: fixedNow)
        let handler = DaemonControlHandler(controller: daemon.controller)
        let status = try sandbox.statusFile()
        let city = try #require(status.checklists?.first)
        #expect(city.id == "city")
        #expect(city.occurrence == "materials@2027-08-10")
        #expect(city.deadline == "2027-08-10")
        #expect(city.totals.indicators == 5)
        #expect(city.totals.open == 5)
        #expect(city.totals.evidenceRequired == 41)
        #expect(city.units.map(\.unit) == ["u01", "u02", "u03"])
        #expect(city.units.map(\.totals.indicators) == [2, 2, 1])

        let result = try await handler.handle(
            .progressSet(ProgressSetRequest(code: "M001-1", status: .submitted, evidence: 9, note: "已报")), from: admin)
        guard case .progressRecorded(let report) = result else { Issue.record("wrong result \(result)"); return }
        #expect(report.occurrence == "materials@2027-08-10")
        #expect(report.summary.totals.submitted == 1)
        #expect(report.summary.totals.evidenceFiled == 9)
        #expect(report.uid == 1000)
        try await daemon.waitUntil("the progress in the status") {
            daemon.controller.status.checklists?.first?.totals.submitted == 1
        }
        let after = try #require(try sandbox.statusFile().checklists?.first)
        #expect(after.totals.submitted == 1)
        #expect(after.units.first?.totals.finished == 1)
        // The raw JSON uses the documented keys.
        let raw = try String(contentsOfFile: sandbox.root + "/run/status.json", encoding: .utf8)
        #expect(raw.contains("\"evidence_required\" : 41"))
        #expect(raw.contains("\"in_progress\" : 0"))
        await daemon.stop()
    }

    @Test func setRejectsUnknownCodesAndParents() async throws {
        let sandbox = try sandbox()
        defer { sandbox.cleanup() }
        let (_, handler) = try await start(sandbox)
        let unknown = await #expect(throws: ControlError.self) {
            try await handler.handle(.progressSet(ProgressSetRequest(code: "M009-9", status: .accepted)), from: admin)
        }
        #expect(unknown?.message == "no indicator 'M009-9' in checklist 'city'")
        let parent = await #expect(throws: ControlError.self) {
            try await handler.handle(.progressSet(ProgressSetRequest(code: "M001", status: .accepted)), from: admin)
        }
        #expect(parent?.message == "'M001' has 3 indicators below it; record those instead")
    }

    @Test func importIsAllOrNothingWithRowNumbers() async throws {
        let sandbox = try sandbox()
        defer { sandbox.cleanup() }
        let (controller, handler) = try await start(sandbox)
        let bad = ProgressImportRequest(file: "p.csv", rows: [
            ProgressRow(row: 2, code: "M001-1", status: .accepted),
            ProgressRow(row: 3, code: "X", status: .accepted),
            ProgressRow(row: 4, code: "M002", status: .submitted),
        ])
        let error = await #expect(throws: ControlError.self) { try await handler.handle(.progressImport(bad), from: admin) }
        #expect(error?.message == "p.csv: 2 errors; nothing recorded")
        #expect(error?.diagnostics?.map(\.description) == [
            "p.csv:3:1: error: row 3: no indicator 'X' in checklist 'city'",
            "p.csv:4:1: error: row 4: 'M002' has 2 indicators below it; record those instead",
        ])
        #expect(try controller.store.checklistProgress(occurrenceID: "materials@2027-08-10").isEmpty)

        let good = ProgressImportRequest(file: "p.csv", rows: [
            ProgressRow(row: 2, code: "M001-1", status: .accepted, evidence: 9),
            ProgressRow(row: 3, code: "M002-2", status: .rejected, note: "缺照片"),
        ])
        _ = try await handler.handle(.progressImport(good), from: admin)
        let result = try await handler.handle(.checklist(ChecklistQuery(unit: "u02")), from: admin)
        guard case .checklist(let report) = result, let view = report.checklists.first else {
            Issue.record("wrong result \(result)")
            return
        }
        #expect(view.indicators.map(\.code) == ["M001", "M001-2", "M002", "M002-2"])
        #expect(view.indicators.map(\.status) == [nil, .open, nil, .rejected])
        #expect(view.indicators.last?.note == "缺照片")
        #expect(view.summary.totals.accepted == 1)
        #expect(view.summary.totals(of: "u02").rejected == 1)
    }
}
