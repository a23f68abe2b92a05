import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import Foundation
import Testing

@Suite struct ProtocolTests {
    private func decode(_ text: String) -> Result<ControlRequest, ControlRequest.DecodeFailure> {
        ControlRequest.decode(line: Array(text.utf8))
    }

    @Test func decodesStatusWithNumericID() throws {
        let request = try decode(#"{"v":1,"id":7,"cmd":"status"}"#).get()
        #expect(request == ControlRequest(id: .number(7), .status))
    }

    @Test func decodesAckWithDateAndStringID() throws {
        let request = try decode(#"{"v":1,"id":"a1","cmd":"ack","args":{"item":"qingming","date":"2027-04-05"}}"#).get()
        #expect(request == ControlRequest(id: .string("a1"), .ack(OccurrenceRef(item: "qingming", date: CivilDate(year: 2027, month: 4, day: 5)))))
    }

    @Test func decodesSnoozeInstant() throws {
        let request = try decode(#"{"v":1,"cmd":"snooze","args":{"item":"x","until":"2027-01-02T03:04:05Z"}}"#).get()
        #expect(request.command == .snooze(SnoozeRequest(OccurrenceRef(item: "x"), until: Date(timeIntervalSince1970: 1_798_859_045))))
        #expect(request.id == nil)
    }

    @Test func agendaArgumentsAreOptional() throws {
        #expect(try decode(#"{"v":1,"cmd":"agenda"}"#).get().command == .agenda(AgendaQuery()))
        #expect(try decode(#"{"v":1,"cmd":"agenda","args":{"days":7,"unit":"wmb"}}"#).get().command == .agenda(AgendaQuery(days: 7, unit: "wmb")))
    }

    @Test(arguments: [
        (#"not json"#, "bad_request", nil as RequestID?),
        (#"[1,2]"#, "bad_request", nil),
        (#"{"id":3,"cmd":"status"}"#, "bad_request", .number(3)),
        (#"{"v":2,"id":4,"cmd":"status"}"#, "unsupported_version", .number(4)),
        (#"{"v":1,"id":5}"#, "bad_request", .number(5)),
        (#"{"v":1,"id":6,"cmd":"format-disk"}"#, "unknown_command", .number(6)),
        (#"{"v":1,"id":"x","cmd":"ack"}"#, "bad_request", .string("x")),
        (#"{"v":1,"id":8,"cmd":"ack","args":{"item":"a","date":"2027-02-30"}}"#, "bad_request", .number(8)),
        (#"{"v":1,"id":9,"cmd":"agenda","args":{"days":"many"}}"#, "bad_request", .number(9)),
    ])
    func rejectsBadRequests(line: String, code: String, id: RequestID?) {
        guard case .failure(let failure) = decode(line) else {
            Issue.record("\(line) was accepted")
            return
        }
        #expect(failure.error.code.rawValue == code)
        #expect(failure.id == id)
    }

    @Test func unknownCommandNamesTheKnownOnes() {
        guard case .failure(let failure) = decode(#"{"v":1,"cmd":"stauts"}"#) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.error.message == "unknown command 'stauts' (known: status, reload, agenda, next, ack, done, progress, snooze, history, cal, show, explain, checklist, progress-set, progress-import, outbox, outbox-retry, send-test)")
    }

    @Test func badArgumentsNameTheField() {
        guard case .failure(let failure) = decode(#"{"v":1,"cmd":"done","args":{"date":"2027-01-01"}}"#) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.error.message == "bad arguments for 'done': missing field 'item' at 'args'")
    }

    @Test func encodesRequestsOnOneLine() throws {
        let request = ControlRequest(id: .number(1), .done(DoneRequest(OccurrenceRef(item: "flag-salute"), note: "签字寄语 120 份\n完成")))
        let text = String(decoding: try ControlProtocol.makeEncoder().encode(request), as: UTF8.self)
        #expect(text == #"{"args":{"item":"flag-salute","note":"签字寄语 120 份\n完成"},"cmd":"done","id":1,"v":1}"#)
        #expect(try decode(text).get() == request)
    }

    @Test func everyCommandRoundTrips() throws {
        let date = CivilDate(year: 2027, month: 9, day: 20)
        let commands: [ControlCommand] = [
            .status, .reload, .agenda(AgendaQuery(from: date, to: date, kind: "campaign")), .next(NextQuery(limit: 3)),
            .ack(OccurrenceRef(item: "a", date: date)), .done(DoneRequest(OccurrenceRef(item: "b"), note: "n")),
            .progress(ProgressRequest(OccurrenceRef(item: "c"), entry: "1.2", done: false)),
            .snooze(SnoozeRequest(OccurrenceRef(item: "d"), until: Date(timeIntervalSince1970: 1_800_000_000))),
            .history(HistoryQuery(item: "e", limit: 10)),
            .cal(CalQuery(year: 2027, month: 9)), .show(ShowQuery(item: "f", years: [2027], limit: 0)),
            .explain(ExplainQuery(item: "g/phase", date: date)),
            .checklist(ChecklistQuery(checklist: "city", unit: "wmb", date: date)),
            .progressSet(ProgressSetRequest(code: "A-1", status: .rejected, evidence: 2, note: "缺照片")),
            .progressImport(ProgressImportRequest(file: "p.csv", rows: [ProgressRow(row: 2, code: "A-1", status: .accepted)])),
            .outbox(OutboxQuery(state: "failed", limit: 5)), .outboxRetry(OutboxRetryRequest(id: 42)),
            .sendTest(SendTestRequest(unit: "wmb", channel: "dingtalk")),
        ]
        #expect(Set(commands.map(\.name)) == Set(CommandName.allCases))
        for command in commands {
            let data = try ControlProtocol.makeEncoder().encode(ControlRequest(id: .string("r"), command))
            #expect(try decode(String(decoding: data, as: UTF8.self)).get() == ControlRequest(id: .string("r"), command))
        }
    }

    @Test func stateChangingCommands() {
        #expect(CommandName.allCases.filter(\.changesState) == [.reload, .ack, .done, .progress, .snooze, .progressSet, .progressImport, .outboxRetry, .sendTest])
    }

    @Test(arguments: [
        ("qingming", OccurrenceRef(item: "qingming")),
        ("spring-volunteers@2027-02-06", OccurrenceRef(item: "spring-volunteers", date: CivilDate(year: 2027, month: 2, day: 6))),
    ])
    func parsesOccurrenceReferences(text: String, expected: OccurrenceRef) {
        #expect(OccurrenceRef(parsing: text) == expected)
        #expect(OccurrenceRef(parsing: text)?.description == text)
    }

    @Test(arguments: ["", "@2027-01-01", "a@", "a@2027-13-01", "a b"])
    func rejectsBadOccurrenceReferences(text: String) {
        #expect(OccurrenceRef(parsing: text) == nil)
    }

    @Test func socketPathResolution() {
        #expect(ControlClient.resolveSocketPath("/x.sock", environment: ["ALMANAC_SOCKET": "/y.sock"]) == "/x.sock")
        #expect(ControlClient.resolveSocketPath(nil, environment: ["ALMANAC_SOCKET": "/y.sock"]) == "/y.sock")
        #expect(ControlClient.resolveSocketPath(nil, environment: [:]) == "/run/almanac/control.sock")
    }

    @Test func openValueSetsTravelAsBareStrings() throws {
        let encoded = try JSONEncoder().encode([ControlError.Code.notFound, ControlError.Code("from_a_newer_daemon")])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["not_found","from_a_newer_daemon"]"#)
        let states = try JSONDecoder().decode([OccurrenceState].self, from: Data(#"["done","paused"]"#.utf8))
        #expect(states == [.done, OccurrenceState("paused")])
    }
}
