import Foundation
import Testing

@testable import AlmanacCalendar

/// Rows of a golden fixture in Fixtures/ (tab-separated, '#' comments, one header line).
struct Fixture {
    let columns: [String]
    let rows: [[String]]

    init(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        columns = lines.removeFirst()
        rows = lines
    }

    func column(_ name: String) -> Int { columns.firstIndex(of: name) ?? -1 }
}

extension CivilDate {
    /// A date from a fixture or literal; test code only.
    static func t(_ text: String) -> CivilDate {
        CivilDate(iso: text) ?? CivilDate(dayNumber: Int.min / 2)
    }
}
