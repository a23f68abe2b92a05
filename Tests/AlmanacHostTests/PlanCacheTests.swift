import AlmanacCalendar
import AlmanacPlan
import Foundation
import Glibc
import Testing

@testable import AlmanacHost

/// A plan of three files (the plan, an included file read twice, a checklist CSV) and a holiday
/// table, in a scratch directory, loaded through the cache of that directory.
private struct CachedPlanFiles {
    let scratch: Scratch
    var cacheDirectory: String { scratch.root + "/cache/almanac" }

    init() throws {
        scratch = try Scratch()
        try scratch.write(
            "plans/main.yaml",
            """
            plan: {id: c, name: 缓存测试, years: [2026]}
            include: [parts/units.yaml, parts/units.yaml]
            items:
              - {id: may-day, kind: festival, title: 劳动节, when: holiday 劳动节, owners: [wmb]}
              - {id: report, kind: deadline, title: 材料上报, when: 06-30, owners: [wmb], checklist: city}
            checklists:
              city:
                title: 测评指标
                item: report
                levels: [大项]
                source: indicators.csv

            """)
        try scratch.write("plans/parts/units.yaml", "units:\n  wmb: {name: 区文明办}\n")
        try scratch.write("plans/indicators.csv", "编号,名称,上级,责任单位,佐证材料数,截止日期,备注\nA,公共环境,,wmb,2,,\n")
        try scratch.write("holidays/cn/2026.txt", table2026)
    }

    func request(cache: PlanCache? = nil) -> PlanLoadRequest {
        let year = CivilDate(iso: "2026-01-01").map { $0...$0.adding(days: 364) }
        return PlanLoadRequest(
            paths: [scratch.root + "/plans/main.yaml"],
            holidays: HolidayLocator(explicit: (scratch.root + "/holidays", "--holidays"), environment: [:]),
            now: ISO8601DateFormatter().date(from: "2026-03-01T00:00:00Z") ?? Date(timeIntervalSince1970: 0),
            window: year,
            reader: PlanFileReader(workingDirectory: scratch.root),
            cache: cache ?? PlanCache(directory: cacheDirectory))
    }

    func load(cache: PlanCache? = nil) -> PlanLoadOutcome { PlanLoading.load(request(cache: cache)) }

    var entries: [String] { (HostFiles.list(cacheDirectory) ?? []).filter { $0.hasSuffix(".plan") } }
}

/// What a load found, as far as a user sees it: the plan with every position, the
/// diagnostics as printed, the occurrences.
private func summary(_ outcome: PlanLoadOutcome) -> [String] {
    var lines = outcome.diagnostics.map(\.description)
    lines += outcome.files
    if let plan = outcome.plan {
        for item in plan.items {
            lines.append("\(item.id.value) \(item.title.value) \(item.id.location?.description ?? "-") \(item.when?.location?.description ?? "-")")
        }
        for unit in plan.units { lines.append("\(unit.id.value) \(unit.name.value) \(unit.id.location?.description ?? "-")") }
        for checklist in plan.checklists {
            for indicator in checklist.indicators {
                lines.append("\(indicator.code.value) \(indicator.title.value) \(indicator.location?.description ?? "-")")
            }
        }
    }
    if let inForce = outcome.inForce {
        lines += inForce.expansion.occurrences.map { "\(inForce.expansion.series[$0.series].key) \($0.start)...\($0.end)" }
    }
    return lines
}

@Suite struct PlanCacheTests {
    @Test func aHitGivesTheSamePlanAndDiagnosticsAsAFreshLoad() throws {
        let files = try CachedPlanFiles()
        defer { files.scratch.cleanup() }
        let fresh = PlanLoading.load(files.request(cache: PlanCache(directory: files.scratch.root + "/other")))
        let first = files.load()
        #expect(!first.fromCache)
        #expect(files.entries.count == 1)
        let second = files.load()
        #expect(second.fromCache)
        #expect(second.plan == fresh.plan)
        #expect(summary(second) == summary(fresh))
        #expect(summary(first) == summary(fresh))
        // The warning of the load (the include given twice) is reproduced from the cache.
        #expect(second.warnings.map(\.description) == [
            "plans/main.yaml:2:29: warning: 'plans/parts/units.yaml' is already part of the plan; included again here"
        ])
        #expect(second.isValid)
        #expect(second.plan?.checklists.first?.indicators.map(\.code.value) == ["A"])
        #expect(second.holidays.calendar.hasTable(for: 2026))
    }

    @Test func anyChangedInputFileMisses() throws {
        let files = try CachedPlanFiles()
        defer { files.scratch.cleanup() }
        _ = files.load()
        #expect(files.load().fromCache)
        let changes: [(String, String)] = [
            ("plans/main.yaml", (try String(contentsOfFile: files.scratch.root + "/plans/main.yaml", encoding: .utf8)).replacingOccurrences(of: "材料上报", with: "材料报送")),
            ("plans/parts/units.yaml", "units:\n  wmb: {name: 区委文明办}\n"),
            ("plans/indicators.csv", "编号,名称,上级,责任单位,佐证材料数,截止日期,备注\nA,公共环境整治,,wmb,2,,\n"),
            ("holidays/cn/2026.txt", table2026.replacingOccurrences(of: "2026-05-09", with: "2026-05-10")),
        ]
        for (name, text) in changes {
            try files.scratch.write(name, text)
            let changed = files.load()
            #expect(!changed.fromCache, "\(name) changed, the cache still hit")
            let fresh = PlanLoading.load(files.request(cache: PlanCache(directory: files.scratch.root + "/fresh-\(UUID().uuidString)")))
            #expect(summary(changed) == summary(fresh))
            #expect(files.load().fromCache)
        }
        #expect(files.load().plan?.units.first?.name.value == "区委文明办")
        // A missing include is an input too: the load that names it reports it, from the cache or not.
        try FileManager.default.removeItem(atPath: files.scratch.root + "/plans/parts/units.yaml")
        let missing = files.load()
        #expect(!missing.fromCache)
        #expect(missing.errors.contains { $0.message.contains("cannot include 'parts/units.yaml'") })
        let again = files.load()
        #expect(summary(again) == summary(missing))
    }

    /// A hit builds its work calendar from the tables kept in the entry: the same tables as
    /// parsing the files; a changed table misses and is parsed (and kept) again.
    @Test func aHitUsesTheTablesKeptInTheEntryOnlyForTheSameFiles() throws {
        let files = try CachedPlanFiles()
        defer { files.scratch.cleanup() }
        let first = files.load()
        let parsed = HolidayLocator.read(files.scratch.root + "/holidays", origin: "--holidays")
        let main = files.scratch.root + "/plans/main.yaml"
        let source = try PlanFileReader(workingDirectory: files.scratch.root).source(main)
        let key = PlanCache.key(files.request(), files: [main], sources: [source])
        let entry = try #require(PlanCache(directory: files.cacheDirectory).read(key)).entry
        #expect(entry.holidayTables == parsed.calendar.tables.values.sorted { $0.year < $1.year })
        #expect(entry.holidayDigest == parsed.digest)
        let hit = files.load()
        #expect(hit.fromCache)
        #expect(hit.holidays.calendar.tables == first.holidays.calendar.tables)
        #expect(hit.holidays.calendar.tables == parsed.calendar.tables)
        #expect(hit.holidays.digest == parsed.digest)
        #expect(summary(hit) == summary(first))
        // Tables given with another digest are not used: the files are parsed.
        var stale = parsed.calendar.tables.values.sorted { $0.year < $1.year }
        stale[0].breaks.removeAll()
        let otherDigest = [UInt8](repeating: 0, count: ContentHash.size)
        let reread = HolidayLocator.read(files.scratch.root + "/holidays", origin: "--holidays", parsed: (otherDigest, stale))
        #expect(reread.calendar.tables == parsed.calendar.tables)
        let reused = HolidayLocator.read(files.scratch.root + "/holidays", origin: "--holidays", parsed: (parsed.digest, stale))
        #expect(reused.calendar.tables.values.first?.breaks.isEmpty == true)
        // A table changed after the entry was written: a miss, and the new table is the one used.
        try files.scratch.write("holidays/cn/2026.txt", table2026.replacingOccurrences(of: "2026-05-09", with: "2026-05-10"))
        let changed = files.load()
        #expect(!changed.fromCache)
        let again = files.load()
        #expect(again.fromCache)
        #expect(again.holidays.calendar.tables == HolidayLocator.read(files.scratch.root + "/holidays", origin: "--holidays").calendar.tables)
        #expect(again.holidays.calendar.tables != parsed.calendar.tables)
    }

    /// A plan read with an error in its holiday table keeps no tables in the entry; a hit parses
    /// them and reports the same error.
    @Test func aBrokenTableIsNotKeptAndAHitReportsItAgain() throws {
        let files = try CachedPlanFiles()
        defer { files.scratch.cleanup() }
        try files.scratch.write("holidays/cn/2027.txt", "year 2027\noff 春假 2027-05-01\n")
        let first = files.load()
        #expect(first.errors.contains { $0.message.contains("2027.txt:2:5") })
        let second = files.load()
        #expect(second.fromCache)
        #expect(summary(second) == summary(first))
    }

    @Test func aDamagedOrForeignCacheFileIsIgnoredAndRewritten() throws {
        let files = try CachedPlanFiles()
        defer { files.scratch.cleanup() }
        let fresh = files.load()
        let name = try #require(files.entries.first)
        let path = files.cacheDirectory + "/" + name
        let good = try HostFiles.read(path, limit: 1 << 26)
        var flipped = good
        flipped[flipped.count / 2] ^= 0x40
        let damaged: [[UInt8]] = [
            [], Array(good.prefix(good.count / 2)), Array(good.dropLast()), flipped, Array("not a cache\n".utf8),
            Array(repeating: 0xff, count: 4096), good + [0],
        ]
        for bytes in damaged {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let outcome = files.load()
            #expect(!outcome.fromCache)
            #expect(summary(outcome) == summary(fresh))
            // Rewritten: the next load hits.
            #expect(files.load().fromCache)
        }
    }

    @Test func anUnwritableCacheDirectoryIsNoError() throws {
        let files = try CachedPlanFiles()
        defer { files.scratch.cleanup() }
        let fresh = files.load(cache: PlanCache(directory: files.scratch.root + "/fresh"))
        // A regular file where the directory should be: nothing can be created under it.
        try files.scratch.write("blocked", "")
        for _ in 0..<2 {
            let outcome = files.load(cache: PlanCache(directory: files.scratch.root + "/blocked/almanac"))
            #expect(!outcome.fromCache)
            #expect(summary(outcome) == summary(fresh))
        }
    }

    @Test func theCacheKeepsToItsBounds() throws {
        let files = try CachedPlanFiles()
        defer { files.scratch.cleanup() }
        let small = PlanCache(directory: files.cacheDirectory, maxBytes: 1 << 20, maxEntries: 4)
        for year in 2026...2029 {
            let text = try String(contentsOfFile: files.scratch.root + "/plans/main.yaml", encoding: .utf8)
            try files.scratch.write("plans/main.yaml", text.replacingOccurrences(of: "years: [\(year == 2026 ? 2026 : year - 1)]", with: "years: [\(year)]"))
            _ = files.load(cache: small)
            // The entries of this load are made a minute older than they are, so the next load's are
            // newer whatever the file system's timestamp granularity (no waiting for the clock).
            for name in HostFiles.list(files.cacheDirectory) ?? [] where !name.hasPrefix(".") {
                let path = files.cacheDirectory + "/" + name
                let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date ?? Date()
                try FileManager.default.setAttributes([.modificationDate: modified.addingTimeInterval(-60)], ofItemAtPath: path)
            }
        }
        // Each load leaves two files (the plan and its expansion); at most four are kept.
        let kept = (HostFiles.list(files.cacheDirectory) ?? []).filter { !$0.hasPrefix(".") }
        #expect(kept.count == 4)
        #expect(files.load(cache: small).fromCache)
    }

    @Test func theStandardCacheFollowsXDGAndCanBeTurnedOff() {
        #expect(PlanCache.standard(environment: ["HOME": "/home/a"])?.directory == "/home/a/.cache/almanac")
        #expect(PlanCache.standard(environment: ["HOME": "/home/a", "XDG_CACHE_HOME": "/tmp/x"])?.directory == "/tmp/x/almanac")
        // A relative XDG_CACHE_HOME is ignored, as the XDG specification says.
        #expect(PlanCache.standard(environment: ["HOME": "/home/a", "XDG_CACHE_HOME": "x"])?.directory == "/home/a/.cache/almanac")
        #expect(PlanCache.standard(environment: ["HOME": "/home/a", "ALMANAC_CACHE": "off"]) == nil)
        #expect(PlanCache.standard(environment: [:]) == nil)
    }
}
