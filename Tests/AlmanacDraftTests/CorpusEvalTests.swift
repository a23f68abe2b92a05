import AlmanacCalendar
import AlmanacDraft
import Foundation
import Testing

/// Scores the drafter on the corpus of real documents in Fixtures/corpus/{dev,test} against
/// the hand-written gold readings next to them (format: docs/draft.md, "The corpus").
///
/// Prints one line per document and a total per half. Details (missed, extra and wrong items)
/// are printed for the development half only: the test half is for measuring, not tuning.
/// `scripts/draft-eval.sh` runs this suite and keeps the table.
@Suite struct CorpusEvalTests {
    struct GoldItem {
        var lines: Set<Int>
        var rules: [DateRule]
        var ruleText: String
        var key: String
        var owner: String
    }

    struct Score {
        var drafted = 0
        var gold = 0
        var matchedDrafted = 0
        var matchedGold = 0
        var datesRight = 0
        var titlesUsable = 0
        var ownersWanted = 0
        var ownersFound = 0

        static func + (a: Score, b: Score) -> Score {
            Score(
                drafted: a.drafted + b.drafted, gold: a.gold + b.gold, matchedDrafted: a.matchedDrafted + b.matchedDrafted,
                matchedGold: a.matchedGold + b.matchedGold, datesRight: a.datesRight + b.datesRight,
                titlesUsable: a.titlesUsable + b.titlesUsable, ownersWanted: a.ownersWanted + b.ownersWanted,
                ownersFound: a.ownersFound + b.ownersFound)
        }

        var precision: Double { drafted == 0 ? (gold == 0 ? 1 : 0) : Double(matchedDrafted) / Double(drafted) }
        var recall: Double { gold == 0 ? 1 : Double(matchedGold) / Double(gold) }
        var dates: Double { matchedGold == 0 ? 0 : Double(datesRight) / Double(matchedGold) }
        var titles: Double { matchedGold == 0 ? 0 : Double(titlesUsable) / Double(matchedGold) }
        var owners: Double { ownersWanted == 0 ? 1 : Double(ownersFound) / Double(ownersWanted) }

        func row(_ name: String) -> String {
            func f(_ x: Double) -> String { String(format: "%.2f", x) }
            return "\(name)\titems \(matchedDrafted)/\(drafted) drafted, \(matchedGold)/\(gold) gold\tP \(f(precision))\tR \(f(recall))"
                + "\tdates \(datesRight)/\(matchedGold) \(f(dates))\ttitles \(titlesUsable)/\(matchedGold) \(f(titles))"
                + "\towners \(ownersFound)/\(ownersWanted) \(f(owners))"
        }
    }

    static let year = 2026
    static let corpus = DraftTestSupport.repositoryRoot.appendingPathComponent("Tests/AlmanacDraftTests/Fixtures/corpus")

    static func documents(_ half: String) throws -> [String] {
        let dir = corpus.appendingPathComponent(half)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }
            .map { String($0.dropLast(4)) }.sorted()
    }

    static func gold(_ half: String, _ name: String) throws -> [GoldItem] {
        let url = corpus.appendingPathComponent(half).appendingPathComponent("\(name).gold.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var items: [GoldItem] = []
        for row in text.split(separator: "\n") where !row.hasPrefix("#") && !row.trimmingCharacters(in: .whitespaces).isEmpty {
            let cols = row.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cols.count >= 3, "\(half)/\(name).gold.tsv: \(row)")
            guard cols.count >= 3 else { continue }
            let lines = Set(cols[0].split(separator: "|").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
            var rules: [DateRule] = []
            for alt in cols[1].components(separatedBy: " | ") {
                do { rules.append(try DateRule.parse(alt)) } catch {
                    Issue.record("\(half)/\(name).gold.tsv: the rule \(alt) does not parse: \(error)")
                }
            }
            items.append(GoldItem(lines: lines, rules: rules, ruleText: cols[1], key: cols[2], owner: cols.count > 3 ? cols[3] : ""))
        }
        return items
    }

    /// The days a rule gives in the plan year (with the official holiday tables): rules are
    /// compared by what they schedule, so `03-08` and `妇女节` are the same date.
    static func days(_ rule: DateRule, context: RuleContext) -> [String] {
        guard let from = CivilDate(year: year, month: 1, day: 1), let to = CivilDate(year: year, month: 12, day: 31) else { return [] }
        return rule.occurrences(in: from...to, context: context).map { "\($0.start)..\($0.end)" }
    }

    static func titleUsable(_ title: String, key: String) -> Bool {
        let t = DraftText.matchingForm(title)
        let k = DraftText.matchingForm(key)
        return t.contains(k) || (t.count >= 4 && k.contains(t))
    }

    static func score(half: String, name: String, context: RuleContext, work: WorkCalendar, details: Bool) throws -> Score {
        let bytes = try Data(contentsOf: corpus.appendingPathComponent(half).appendingPathComponent("\(name).txt"))
        let gold = try gold(half, name)
        let draft = try PlanDrafter.draft(bytes: [UInt8](bytes), options: DraftTestSupport.options(year: year, work: work))
        let items = draft.items
        let unitNames = Dictionary(draft.units.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var score = Score(drafted: items.count, gold: gold.count)
        var used = Set<Int>()
        func keyed(_ item: DraftItem, _ g: GoldItem) -> Bool {
            let k = DraftText.matchingForm(g.key)
            return DraftText.matchingForm(item.quote).contains(k) || DraftText.matchingForm(item.title).contains(k)
        }
        func sameDate(_ item: DraftItem, _ g: GoldItem) -> Bool {
            guard let rule = try? DateRule.parse(item.when) else { return false }
            let got = days(rule, context: context)
            return g.rules.contains { days($0, context: context) == got }
        }
        var lines: [String] = []
        for g in gold {
            let alone = gold.filter { !$0.lines.isDisjoint(with: g.lines) }.count == 1
            let candidates = items.indices.filter { n in
                !used.contains(n) && g.lines.contains(items[n].line) && (alone || keyed(items[n], g))
            }
            guard let n = candidates.first(where: { sameDate(items[$0], g) }) ?? candidates.first else {
                lines.append("  missed: line \(g.lines.sorted()) \(g.ruleText) \(g.key)")
                continue
            }
            used.insert(n)
            let item = items[n]
            score.matchedGold += 1
            if sameDate(item, g) { score.datesRight += 1 } else { lines.append("  wrong date: line \(item.line) \(item.when) (gold \(g.ruleText)) \(g.key)") }
            if titleUsable(item.title, key: g.key) { score.titlesUsable += 1 } else { lines.append("  title: line \(item.line) \(item.title) (gold key \(g.key))") }
            if !g.owner.isEmpty {
                score.ownersWanted += 1
                let names = item.owners.compactMap { unitNames[$0] }
                if names.contains(where: { $0.contains(g.owner) || g.owner.contains($0) }) {
                    score.ownersFound += 1
                } else {
                    lines.append("  owner: line \(item.line) \(names) (gold \(g.owner))")
                }
            }
        }
        score.matchedDrafted = used.count
        for n in items.indices where !used.contains(n) {
            lines.append("  extra: line \(items[n].line) \(items[n].when) \(items[n].title)")
        }
        if details, ProcessInfo.processInfo.environment["DRAFT_EVAL_CONFIDENCE"] != nil {
            // One row per drafted item: whether it matched, and its confidences (for studying a gate).
            for n in items.indices {
                let c = items[n].confidence
                print("draft-conf \(half)/\(name)\t\(used.contains(n) ? "match" : "extra")\titem \(c.item)\twhen \(c.when)\ttitle \(c.title)\tkind \(c.kind)\towners \(c.owners)\tsource \(items[n].dateSource.rawValue)\tline \(items[n].line)\t\(items[n].when)\t\(items[n].title)")
            }
        }
        print("draft-eval \(score.row("\(half)/\(name)"))")
        if details { for l in lines { print("draft-eval \(l)") } }
        return score
    }

    @Test(arguments: ["dev", "test"]) func corpusHalf(_ half: String) throws {
        let work = try DraftTestSupport.workCalendar()
        let context = RuleContext(workCalendar: work)
        let names = try Self.documents(half)
        #expect(names.count >= 15)
        var total = Score()
        for name in names {
            total = total + (try Self.score(half: half, name: name, context: context, work: work, details: half == "dev"))
        }
        print("draft-eval \(total.row("total \(half) (\(names.count) documents)"))")
    }
}
