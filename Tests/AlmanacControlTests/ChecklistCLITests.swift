import AlmanacCalendar
import AlmanacPlan
import AlmanacTestSupport
import Foundation
import Testing

@testable import AlmanacControl

/// `almanacctl progress` against a server that answers with a fixed checklist.
@Suite(.serialized) struct ChecklistCLITests {
    @Test func progressShowsTheTreeWithBarsAlignedForCJK() async throws {
        try await withServer { path, handler, _ in
            let result = try await offPool { try almanacctl(["progress", "city", "--socket", path]) }
            #expect(result.status == 0)
            #expect(result.stdout == """
                创城复检 (city)  materials@2027-08-10  截止 2027-08-10
                  A      公共环境整治                        区文明办      [█████░░░░░] 1/2
                    A-1  道路净化                            区文明办      已提交  佐证 3/3  — 已报
                    A-2  绿化                                区文明办      未开始  佐证 0/2
                  B      公共秩序整治                        区综合治理办  未开始

                按责任单位：
                  区文明办      [█████░░░░░] 1/2       50%   未完成 1  佐证 3/5
                  区综合治理办  [░░░░░░░░░░] 0/1       0%    未完成 1
                合计  [███░░░░░░░] 1/3       33%   未完成 2  佐证 3/5

                """)
            let json = try await offPool { try almanacctl(["progress", "--unit", "zz", "--json", "--socket", path]) }
            #expect(json.stdout.contains(#""code" : "B""#))
            #expect(!json.stdout.contains(#""code" : "A-1""#))
            #expect(handler.recorded.map(\.command) == [
                .checklist(ChecklistQuery(checklist: "city")), .checklist(ChecklistQuery(unit: "zz")),
            ])
        }
    }

    @Test func setAndImportSendTheirArguments() async throws {
        try await withServer { path, handler, _ in
            let set = try await offPool {
                try almanacctl(["progress", "set", "A-2", "--status", "已提交", "--evidence", "2", "--note", "照片齐", "--socket", path])
            }
            #expect(set.status == 0)
            #expect(set.stdout.hasPrefix("已记录 A-2 已提交（city，materials@2027-08-10），uid \(getuid())，佐证 2（备注：照片齐）\n"))
            let bad = try await offPool { try almanacctl(["progress", "set", "A-2", "--status", "finished", "--socket", path]) }
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("unknown status 'finished'"))

            let dir = NSTemporaryDirectory() + "almanac-progress-" + UUID().uuidString.prefix(8)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try "编号,状态\nA-1,submitted\nA-2,bogus\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
            let local = try await offPool { try almanacctl(["progress", "import", dir + "/bad.csv", "--socket", path]) }
            #expect(local.status == 1)
            #expect(local.stderr.contains("bad.csv:3:5: error: row 3, column 状态 (status): unknown status 'bogus'"))
            try "编号,状态\nA-1,submitted\nX,accepted\n".write(toFile: dir + "/p.csv", atomically: true, encoding: .utf8)
            let remote = try await offPool { try almanacctl(["progress", "import", dir + "/p.csv", "--socket", path]) }
            #expect(remote.status != 0)
            #expect(remote.stderr.contains("p.csv:3:1: error: row 3: no indicator 'X' in checklist 'city'"))
            #expect(handler.recorded.map(\.command) == [
                .progressSet(ProgressSetRequest(code: "A-2", status: .submitted, evidence: 2, note: "照片齐")),
                .progressImport(ProgressImportRequest(file: dir + "/p.csv", rows: [
                    ProgressRow(row: 2, code: "A-1", status: .submitted), ProgressRow(row: 3, code: "X", status: .accepted),
                ])),
            ])
        }
    }
}
