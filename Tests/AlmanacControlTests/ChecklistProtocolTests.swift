import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacControl

@Suite("checklist commands of the control protocol")
struct ChecklistProtocolTests {
    func decode(_ text: String) -> Result<ControlRequest, ControlRequest.DecodeFailure> {
        ControlRequest.decode(line: Array(text.utf8))
    }

    @Test func decodesTheThreeCommands() throws {
        #expect(try decode(#"{"v":1,"cmd":"checklist"}"#).get().command == .checklist(ChecklistQuery()))
        #expect(try decode(#"{"v":1,"cmd":"checklist","args":{"checklist":"city","unit":"wmb"}}"#).get().command
            == .checklist(ChecklistQuery(checklist: "city", unit: "wmb")))
        #expect(try decode(#"{"v":1,"cmd":"progress-set","args":{"code":"A-1","status":"in-progress","evidence":3}}"#).get().command
            == .progressSet(ProgressSetRequest(code: "A-1", status: .inProgress, evidence: 3)))
        let rows = #"{"v":1,"cmd":"progress-import","args":{"file":"p.csv","rows":[{"row":2,"code":"A","status":"rejected","note":"x"}]}}"#
        #expect(try decode(rows).get().command
            == .progressImport(ProgressImportRequest(file: "p.csv", rows: [ProgressRow(row: 2, code: "A", status: .rejected, note: "x")])))
    }

    @Test func changingCommandsNeedTheAdminGroup() {
        #expect(CommandName.checklist.changesState == false)
        #expect(CommandName.progressSet.changesState == true)
        #expect(CommandName.progressImport.changesState == true)
        #expect(CommandName.progressSet.rawValue == "progress-set")
    }

    @Test func anUnknownStatusIsABadRequest() {
        guard case .failure(let failure) = decode(#"{"v":1,"cmd":"progress-set","args":{"code":"A","status":"done-ish"}}"#) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.error.code == .badRequest)
    }

    @Test func requestsRoundTrip() throws {
        let request = ControlRequest(id: .number(3), .progressSet(ProgressSetRequest(checklist: "city", code: "M001-1", status: .accepted, note: "好")))
        let data = try ControlProtocol.makeEncoder().encode(request)
        #expect(try decode(String(decoding: data, as: UTF8.self)).get() == request)
    }
}
