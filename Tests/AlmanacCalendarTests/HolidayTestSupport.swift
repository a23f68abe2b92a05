import Foundation

@testable import AlmanacCalendar

/// Files of the repository that holiday tests read: the shipped tables and the fixtures.
enum HolidayTestFiles {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func shippedTableFiles() throws -> [(name: String, bytes: [UInt8])] {
        let dir = repositoryRoot.appendingPathComponent("config/holidays/cn")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".txt") }.sorted()
        return try names.map { name in
            ("config/holidays/cn/\(name)", [UInt8](try Data(contentsOf: dir.appendingPathComponent(name))))
        }
    }

    static func shippedCalendar() throws -> WorkCalendar {
        try HolidayTables.workCalendar(files: try shippedTableFiles())
    }

    static func fixture(_ name: String) throws -> String {
        let url = repositoryRoot.appendingPathComponent("Tests/AlmanacCalendarTests/Fixtures/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }
}

func day(_ text: String) -> CivilDate {
    guard let date = CivilDate(iso: text) else {
        Issue.record("bad date literal \(text) in a test")
        return CivilDate(dayNumber: 0)
    }
    return date
}

import Testing
