import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacPlan

/// ``ReminderPolicy``, ``Quota`` and ``Edition`` keep their fields in a box that copies share
/// (``Shared``): they must still behave as values, compare and hash by their fields, and encode
/// as the plain structures did.
@Suite struct SharedValueTests {
    static let here = AlmanacPlan.SourceLocation(file: "plan.yaml", line: 12, column: 9)
    static let nineThirty = TimeOfDay(hour: 9, minute: 30)!
    static let eight = TimeOfDay(hour: 8, minute: 0)!

    @Test func aCopySetApartLeavesTheOriginal() {
        let original = ReminderPolicy(leads: [Located(Lead(amount: -5, unit: .workingDays))])
        var copy = original
        copy.leads.append(Located(Lead(amount: 0, unit: .days)))
        copy.time = Located(Self.nineThirty)
        #expect(original.leads.map(\.value) == [Lead(amount: -5, unit: .workingDays)])
        #expect(original.time == nil)
        #expect(copy.leads.count == 2)
        #expect(copy.time?.value == Self.nineThirty)

        let quota = Quota(count: Located(2), per: Located(.week))
        var other = quota
        other.count = Located(3)
        #expect(quota.count.value == 2)
        #expect(other.count.value == 3)
        #expect(quota != other)
    }

    @Test func valuesMadeApartAreEqualAndHashAlike() {
        let a = ReminderPolicy(leads: [Located(Lead(amount: -1, unit: .days))], escalateAfter: Located(Lead(amount: 2, unit: .workingDays)))
        let b = ReminderPolicy(leads: [Located(Lead(amount: -1, unit: .days))], escalateAfter: Located(Lead(amount: 2, unit: .workingDays)))
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        let e1 = Edition(firstYear: Located(2005), firstNumber: Located(1), every: Located(1), format: Located("第{n}届"))
        var e2 = e1
        e2.every = Located(2)
        #expect(e1 != e2)
        #expect(e1.label(in: 2027) == "第二十三届")
        #expect(e2.label(in: 2027) == "第十二届")
        #expect(e2.label(in: 2028) == nil)
    }

    /// An item that sets no field of its own gets its kind's policy itself; one that sets a field
    /// gets the base's other fields.
    @Test func fillingKeepsTheBaseWhenNothingIsSet() {
        let base = ReminderPolicy.builtIn(for: .deadline)
        #expect(ReminderPolicy().filled(from: base) == base)
        let own = ReminderPolicy(time: Located(Self.eight))
        let filled = own.filled(from: base)
        #expect(filled.leads.map(\.value) == base.leads.map(\.value))
        #expect(filled.time?.value == Self.eight)
        #expect(base.time == nil)
    }

    @Test func encodingIsTheFieldsAsBefore() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let policy = ReminderPolicy(leads: [Located(Lead(amount: -5, unit: .workingDays))], repeatWhileOverdue: Located(Lead(amount: 1, unit: .weeks)))
        let json = String(decoding: try encoder.encode(policy), as: UTF8.self)
        #expect(json.contains("\"leads\""))
        #expect(json.contains("\"repeatWhileOverdue\""))
        #expect(!json.contains("\"time\""))
        #expect(!json.contains("\"escalateAfter\""))
        let quota = String(decoding: try encoder.encode(Quota(count: Located(2), per: Located(.week))), as: UTF8.self)
        #expect(quota.contains("\"count\"") && quota.contains("\"per\""))
    }

    @Test func locationsKeepTheirLineAndColumn() throws {
        var location = Self.here
        #expect(location.description == "plan.yaml:12:9")
        location.column += 4
        #expect(location.column == 13)
        let decoded = try JSONDecoder().decode(AlmanacPlan.SourceLocation.self, from: JSONEncoder().encode(location))
        #expect(decoded == location)
        #expect(AlmanacPlan.SourceLocation(file: "f", line: Int.max, column: -1).line == Int(Int32.max))
    }
}
